import { comparePrompts } from './compare-prompts.js';
import type { PairClassifier } from './pair-classifier.js';

/** Why the verifier refused a near neighbour. */
export type VerifierRejection =
  | 'numbers-differ'
  | 'entities-differ'
  | 'negation-differs'
  | 'comparison-differs'
  | 'question-type-differs'
  | 'units-differ'
  | 'dates-differ'
  | 'low-overlap'
  | 'extra-words'
  | 'context-dependent'
  | 'roles-swapped'
  | 'function-words-differ'
  | 'too-short'
  | 'classifier-rejects';

/** The checks the verifier runs; each can be switched off. */
export type VerifierCheck =
  | Exclude<VerifierRejection, 'low-overlap' | 'extra-words' | 'classifier-rejects'>
  | 'overlap'
  | 'extra-words'
  | 'entity-order';

/**
 * Options of the verifier. In `learned` mode (the default) a candidate must pass the hard checks
 * (see `HARD_CHECKS` in `verify-candidate.ts`) and then the learned pair classifier; in `rules` mode,
 * every check of {@link verifyMatch} with the word-count limits below.
 */
export interface VerifierOptions {
  /** `learned` (default): hard checks, then the shipped pair classifier. `rules`: the hand-written rules alone. */
  mode?: 'learned' | 'rules';
  /**
   * Learned mode: the least probability of "same question" at which a candidate is served (default:
   * the model file's cross-validated operating point). Lower serves more paraphrases and more wrong answers.
   */
  minProbability?: number;
  /** Learned mode: another trained model than the shipped `verifier-model.json` (e.g. one trained on other data). */
  classifier?: PairClassifier;
  /** Checks to switch off (all run by default). */
  disabled?: readonly VerifierCheck[];
  /** Rules mode: least share of content words the two prompts must have in common (overlap coefficient). */
  minOverlap?: number;
  /**
   * Rules mode: most content words either prompt may have that the other lacks: "spicy food" vs "dangerously
   * spicy food" asks something narrower, however close the embeddings are.
   */
  maxExtraWords?: number;
  /** Fewest content words a prompt needs to be matched by meaning ("What is money?" is too vague to verify). */
  minContentWords?: number;
  /**
   * Rules mode: most function words (pronouns, question words, prepositions, auxiliaries) added or dropped
   * between the two prompts, counted with repeats: "How do I …" vs "How do you …" is two, "What is X"
   * vs "What does X do" is three. They frame the question the content words fill in.
   */
  maxFunctionWordChanges?: number;
}

/** The verifier's decision, with the reason for a rejection. */
export type VerifierVerdict =
  | { accept: true; overlap: number }
  | { accept: false; reason: VerifierRejection; detail: string; overlap: number };

/** Default least content-word overlap; tuned by `npm run eval:cache` on the first half of the Quora pairs. */
export const DEFAULT_MIN_OVERLAP = 0.5;

/**
 * Default most extra content words on either side: none. `npm run eval:cache` shows the trade-off on
 * the Quora pairs: allowing one extra word doubles recall but drops precision from ~0.91 to ~0.82 at
 * threshold 0.90; precision comes first for a cache (a wrong hit is a wrong answer served).
 */
export const DEFAULT_MAX_EXTRA_WORDS = 0;

/**
 * Default most function-word changes: two. On the tune half of the Quora pairs at threshold 0.90 it
 * lifts precision from ~0.925 to ~0.96 at a cost of a third of the hits; `npm run eval:cache`
 * compares it with raising the threshold instead, which buys the same precision for the same recall.
 */
export const DEFAULT_MAX_FUNCTION_WORD_CHANGES = 2;

/** Default fewest content words for a semantic match; one-word questions were wrong a quarter of the time on Quora. */
export const DEFAULT_MIN_CONTENT_WORDS = 2;

function describe(left: ReadonlySet<string>, right: ReadonlySet<string>): string {
  return `{${[...left].join(', ')}} vs {${[...right].join(', ')}}`;
}

/**
 * The rule verifier (the `rules` mode of the verifier, and the hard checks of its `learned` mode):
 * a near neighbour in embedding space is served only if it does not
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
  const comparison = comparePrompts(pair);
  const { query, candidate, overlap } = comparison;
  const reject = (reason: VerifierRejection, detail: string): VerifierVerdict => ({
    accept: false,
    reason,
    detail,
    overlap,
  });
  const minContentWords = options.minContentWords ?? DEFAULT_MIN_CONTENT_WORDS;
  if (!disabled.has('too-short') && comparison.fewestContentWords < minContentWords) {
    return reject('too-short', `${comparison.fewestContentWords} content word(s), fewer than ${minContentWords}`);
  }
  if (!disabled.has('context-dependent') && comparison.contextDependent) {
    return reject('context-dependent', 'refers to something outside the prompt (this …, the following …)');
  }
  if (!disabled.has('numbers-differ') && comparison.numbersDiffer) {
    return reject('numbers-differ', describe(query.numbers, candidate.numbers));
  }
  if (!disabled.has('negation-differs') && comparison.negationKindsDiffer) {
    return reject('negation-differs', describe(query.negations, candidate.negations));
  }
  if (!disabled.has('negation-differs') && comparison.negationTargetsDiffer) {
    return reject('negation-differs', `negates ${describe(query.negationTargets, candidate.negationTargets)}`);
  }
  if (!disabled.has('question-type-differs') && comparison.questionTypesDiffer) {
    return reject('question-type-differs', `${query.questionType} vs ${candidate.questionType}`);
  }
  if (!disabled.has('question-type-differs') && comparison.auxiliariesDiffer) {
    return reject('question-type-differs', `yes-no with ${query.auxiliary} vs ${candidate.auxiliary}`);
  }
  if (!disabled.has('units-differ') && comparison.unitsDiffer) {
    return reject('units-differ', describe(query.units, candidate.units));
  }
  if (!disabled.has('dates-differ') && comparison.datesDiffer) {
    return reject('dates-differ', describe(query.dates, candidate.dates));
  }
  // Only a different comparison counts ("cheapest" vs "fastest", "best" vs "worst"): adding "best" to a
  // question rarely changes what is asked ("a good book on X" vs "the best book on X"), on Quora at least.
  if (!disabled.has('comparison-differs') && comparison.comparisonsSwapped) {
    return reject(
      'comparison-differs',
      `order: ${query.comparisonOrder.join(', ')} vs ${candidate.comparisonOrder.join(', ')}`,
    );
  }
  if (!disabled.has('comparison-differs') && comparison.comparisonsDiffer) {
    return reject('comparison-differs', describe(query.comparisons, candidate.comparisons));
  }
  if (!disabled.has('entities-differ') && comparison.missingEntities.length > 0) {
    return reject('entities-differ', comparison.missingEntities.join(', '));
  }
  if (!disabled.has('entity-order') && comparison.entityOrderDiffers) {
    return reject('entities-differ', `order: ${query.entityOrder.join(', ')} vs ${candidate.entityOrder.join(', ')}`);
  }
  if (!disabled.has('roles-swapped') && comparison.rolesSwapped) {
    return reject('roles-swapped', `${query.contentOrder.join(' ')} vs ${candidate.contentOrder.join(' ')}`);
  }
  const maxExtraWords = options.maxExtraWords ?? DEFAULT_MAX_EXTRA_WORDS;
  const { queryExtraWords, candidateExtraWords } = comparison;
  if (!disabled.has('extra-words') && Math.max(queryExtraWords.length, candidateExtraWords.length) > maxExtraWords) {
    return reject('extra-words', `{${queryExtraWords.join(', ')}} vs {${candidateExtraWords.join(', ')}}`);
  }
  const maxFunctionWordChanges = options.maxFunctionWordChanges ?? DEFAULT_MAX_FUNCTION_WORD_CHANGES;
  if (!disabled.has('function-words-differ') && comparison.functionWordChanges.length > maxFunctionWordChanges) {
    return reject('function-words-differ', comparison.functionWordChanges.join(', '));
  }
  const minOverlap = options.minOverlap ?? DEFAULT_MIN_OVERLAP;
  if (!disabled.has('overlap') && overlap < minOverlap) {
    return reject('low-overlap', `${overlap.toFixed(2)} < ${minOverlap}`);
  }
  return { accept: true, overlap };
}
