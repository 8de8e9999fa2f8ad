import { LRUCache } from 'lru-cache';
import { analyzePromptCached, comparePrompts, type PromptComparison } from './compare-prompts.js';
import { pairFeaturesOf } from './compute-pair-features.js';
import { loadShippedPairClassifier } from './pair-classifier.js';
import {
  DEFAULT_MIN_CONTENT_WORDS,
  type VerifierCheck,
  type VerifierOptions,
  type VerifierRejection,
  type VerifierVerdict,
  verifyMatch,
} from './verify-match.js';

/**
 * The checks that stay hard rules in `learned` mode: differences that change the answer whatever the
 * rest of the wording says (a number, a negation, a name, a unit, a date), or prompts that cannot be
 * matched by their words at all (too short, pointing outside themselves). The classifier sees them as
 * features too, but they are rare in its training data; as rules they hold on every pair.
 */
export const HARD_CHECKS = [
  'too-short',
  'context-dependent',
  'numbers-differ',
  'negation-differs',
  'units-differ',
  'dates-differ',
  'entities-differ',
] as const satisfies readonly VerifierCheck[];

/** The verifier's decision on one candidate, with the classifier's probability when it ran. */
export type CandidateVerdict = VerifierVerdict & { probability?: number };

function hardRejection(
  comparison: PromptComparison,
  options: VerifierOptions,
): { reason: VerifierRejection; detail: string } | undefined {
  const disabled = new Set<VerifierCheck>(options.disabled ?? []);
  const describe = (left: ReadonlySet<string>, right: ReadonlySet<string>) =>
    `{${[...left].join(', ')}} vs {${[...right].join(', ')}}`;
  const { query, candidate } = comparison;
  const minContentWords = options.minContentWords ?? DEFAULT_MIN_CONTENT_WORDS;
  if (!disabled.has('too-short') && comparison.fewestContentWords < minContentWords) {
    return { reason: 'too-short', detail: `${comparison.fewestContentWords} content word(s)` };
  }
  if (!disabled.has('context-dependent') && comparison.contextDependent) {
    return { reason: 'context-dependent', detail: 'refers to something outside the prompt' };
  }
  if (!disabled.has('numbers-differ') && comparison.numbersDiffer) {
    return { reason: 'numbers-differ', detail: describe(query.numbers, candidate.numbers) };
  }
  if (!disabled.has('negation-differs') && (comparison.negationKindsDiffer || comparison.negationTargetsDiffer)) {
    return { reason: 'negation-differs', detail: describe(query.negationTargets, candidate.negationTargets) };
  }
  if (!disabled.has('units-differ') && comparison.unitsDiffer) {
    return { reason: 'units-differ', detail: describe(query.units, candidate.units) };
  }
  if (!disabled.has('dates-differ') && comparison.datesDiffer) {
    return { reason: 'dates-differ', detail: describe(query.dates, candidate.dates) };
  }
  if (!disabled.has('entities-differ') && comparison.missingEntities.length > 0) {
    return { reason: 'entities-differ', detail: comparison.missingEntities.join(', ') };
  }
  return undefined;
}

// Case, spacing and end punctuation never change a question; every other character is kept ("~" vs "%").
function normaliseForIdentity(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?.!]+$/, '')
    .trim();
}

// A lookup checks its query against up to four candidates, and cached prompts come up again and
// again: each text is normalised once while it stays in this bounded memo (as its analysis does).
const identityForms = new LRUCache<string, string>({ max: 4096 });
function identityForm(text: string): string {
  const known = identityForms.get(text);
  if (known !== undefined) return known;
  const form = normaliseForIdentity(text);
  identityForms.set(text, form);
  return form;
}

/**
 * Does ahead of time the part of {@link verifyCandidate}'s work that depends on the query alone (its
 * identity form and its analysis, kept in the same bounded memos), so that the semantic cache can do
 * it while the query's embedding is still being computed rather than after. Changes no verdict.
 */
export function prepareCandidateQuery(query: string): void {
  identityForm(query);
  analyzePromptCached(query);
}

/**
 * The verifier the semantic cache runs on every retrieved candidate above the threshold. `learned`
 * mode (default): the same text up to case, spacing and end punctuation is served; otherwise the
 * {@link HARD_CHECKS}, then the pair classifier's probability that both prompts ask the same question
 * must reach `minProbability` (Quora has no pairs of identical questions to learn that from: it gives
 * them ~0.8). `rules` mode: {@link verifyMatch}. Pure and
 * cheap (analyses of cached prompts are memoised; the classifier is a few hundred comparisons).
 */
export function verifyCandidate(
  pair: { query: string; candidate: string; similarity: number },
  options: VerifierOptions = {},
): CandidateVerdict {
  if (options.mode === 'rules') return verifyMatch(pair, options);
  if (identityForm(pair.query) === identityForm(pair.candidate)) {
    return { accept: true, overlap: 1, probability: 1 };
  }
  const comparison = comparePrompts(pair);
  const hard = hardRejection(comparison, options);
  if (hard !== undefined) return { accept: false, ...hard, overlap: comparison.overlap };
  const classifier = options.classifier ?? loadShippedPairClassifier();
  const probability = classifier.probability(pairFeaturesOf(pair, comparison));
  const minProbability = options.minProbability ?? classifier.minProbability;
  if (probability < minProbability) {
    return {
      accept: false,
      reason: 'classifier-rejects',
      detail: `probability ${probability.toFixed(3)} < ${minProbability}`,
      overlap: comparison.overlap,
      probability,
    };
  }
  return { accept: true, overlap: comparison.overlap, probability };
}
