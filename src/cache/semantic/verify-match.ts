import { analyzePrompt, type PromptFeatures, stem } from './analyze-prompt.js';

/** Why the verifier refused a near neighbour. */
export type VerifierRejection =
  | 'numbers-differ'
  | 'entities-differ'
  | 'negation-differs'
  | 'comparison-differs'
  | 'question-type-differs'
  | 'units-differ'
  | 'dates-differ'
  | 'low-overlap';

/** The checks the verifier runs; each can be switched off. */
export type VerifierCheck = Exclude<VerifierRejection, 'low-overlap'> | 'overlap';

/** Options for {@link verifyMatch}. */
export interface VerifierOptions {
  /** Checks to switch off (all run by default). */
  disabled?: readonly VerifierCheck[];
  /** Least share of content words the two prompts must have in common (overlap coefficient). */
  minOverlap?: number;
}

/** The verifier's decision, with the reason for a rejection. */
export type VerifierVerdict =
  | { accept: true; overlap: number }
  | { accept: false; reason: VerifierRejection; detail: string; overlap: number };

/** Default least content-word overlap; tuned by `npm run eval:cache` on the first half of the Quora pairs. */
export const DEFAULT_MIN_OVERLAP = 0.5;

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const item of left) if (!right.has(item)) return false;
  return true;
}

function describe(left: ReadonlySet<string>, right: ReadonlySet<string>): string {
  return `{${[...left].join(', ')}} vs {${[...right].join(', ')}}`;
}

function missingEntities(from: PromptFeatures, other: PromptFeatures): string[] {
  const otherStems = new Set([...other.words].map(stem));
  return [...from.entities].filter((entity) => !other.words.has(entity) && !otherStems.has(stem(entity)));
}

/** Content words in common over the smaller set: a short paraphrase of a long prompt is not penalised. */
function contentOverlap(left: PromptFeatures, right: PromptFeatures): number {
  const smaller = Math.min(left.contentWords.size, right.contentWords.size);
  if (smaller === 0) return left.contentWords.size === right.contentWords.size ? 1 : 0;
  let shared = 0;
  for (const word of left.contentWords) if (right.contentWords.has(word)) shared++;
  return shared / smaller;
}

/**
 * The check after retrieval: a near neighbour in embedding space is served only if it does not
 * differ from the query in what changes the answer — numbers and quantities, named entities,
 * negation, comparatives and superlatives, the kind of question, units and dates — and shares
 * enough of its content words. Sentence embeddings are notoriously blind to exactly these
 * ("flights to Paris" ≈ "flights to Rome", "is X safe" ≈ "is X not safe"). Deterministic and cheap
 * (a few regexes, well under 0.1 ms per pair), so it runs on every candidate.
 */
export function verifyMatch(
  pair: { query: string; candidate: string },
  options: VerifierOptions = {},
): VerifierVerdict {
  const disabled = new Set(options.disabled ?? []);
  const query = analyzePrompt(pair.query);
  const candidate = analyzePrompt(pair.candidate);
  const overlap = contentOverlap(query, candidate);
  const reject = (reason: VerifierRejection, detail: string): VerifierVerdict => ({
    accept: false,
    reason,
    detail,
    overlap,
  });
  if (!disabled.has('numbers-differ') && !sameSet(query.numbers, candidate.numbers)) {
    return reject('numbers-differ', describe(query.numbers, candidate.numbers));
  }
  if (!disabled.has('negation-differs') && query.negated !== candidate.negated) {
    return reject('negation-differs', query.negated ? 'query is negated' : 'cached prompt is negated');
  }
  if (!disabled.has('question-type-differs') && query.questionType !== candidate.questionType) {
    return reject('question-type-differs', `${query.questionType} vs ${candidate.questionType}`);
  }
  if (!disabled.has('units-differ') && !sameSet(query.units, candidate.units)) {
    return reject('units-differ', describe(query.units, candidate.units));
  }
  if (!disabled.has('dates-differ') && !sameSet(query.dates, candidate.dates)) {
    return reject('dates-differ', describe(query.dates, candidate.dates));
  }
  if (!disabled.has('comparison-differs') && !sameSet(query.comparisons, candidate.comparisons)) {
    return reject('comparison-differs', describe(query.comparisons, candidate.comparisons));
  }
  if (!disabled.has('entities-differ')) {
    const missing = [...missingEntities(query, candidate), ...missingEntities(candidate, query)];
    if (missing.length > 0) return reject('entities-differ', missing.join(', '));
  }
  const minOverlap = options.minOverlap ?? DEFAULT_MIN_OVERLAP;
  if (!disabled.has('overlap') && overlap < minOverlap) {
    return reject('low-overlap', `${overlap.toFixed(2)} < ${minOverlap}`);
  }
  return { accept: true, overlap };
}
