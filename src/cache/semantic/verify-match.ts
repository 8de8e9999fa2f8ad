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
  | 'low-overlap'
  | 'extra-words'
  | 'context-dependent'
  | 'roles-swapped'
  | 'function-words-differ'
  | 'too-short';

/** The checks the verifier runs; each can be switched off. */
export type VerifierCheck =
  | Exclude<VerifierRejection, 'low-overlap' | 'extra-words'>
  | 'overlap'
  | 'extra-words'
  | 'entity-order';

/** Options for {@link verifyMatch}. */
export interface VerifierOptions {
  /** Checks to switch off (all run by default). */
  disabled?: readonly VerifierCheck[];
  /** Least share of content words the two prompts must have in common (overlap coefficient). */
  minOverlap?: number;
  /**
   * Most content words either prompt may have that the other lacks: "spicy food" vs "dangerously
   * spicy food" asks something narrower, however close the embeddings are.
   */
  maxExtraWords?: number;
  /** Fewest content words a prompt needs to be matched by meaning ("What is money?" is too vague to verify). */
  minContentWords?: number;
  /**
   * Most function words (pronouns, question words, prepositions, auxiliaries) added or dropped
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

// Cached prompts are verified again and again as candidates; their features do not change.
const analyses = new Map<string, PromptFeatures>();
function analyzeCached(text: string): PromptFeatures {
  const known = analyses.get(text);
  if (known !== undefined) return known;
  const features = analyzePrompt(text);
  analyses.set(text, features);
  if (analyses.size > 4096) {
    const oldest = analyses.keys().next().value;
    if (oldest !== undefined) analyses.delete(oldest);
  }
  return features;
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const item of left) if (!right.has(item)) return false;
  return true;
}

function describe(left: ReadonlySet<string>, right: ReadonlySet<string>): string {
  return `{${[...left].join(', ')}} vs {${[...right].join(', ')}}`;
}

/**
 * Whether two prompts relate the same two entities the other way round ("Denver think of Seattle" vs
 * "Seattle think of Denver"). Only pairs are compared: longer sentences reorder their clauses freely.
 */
function entityOrderDiffers(left: PromptFeatures, right: PromptFeatures): boolean {
  if (left.symmetric || right.symmetric) return false;
  const shared = left.entityOrder.filter((entity) => right.entities.has(entity));
  if (shared.length !== 2) return false;
  return right.entityOrder.indexOf(shared[0] as string) > right.entityOrder.indexOf(shared[1] as string);
}

/** Content words of `from` the other lacks, counted with repeats ("famous for being famous" vs "famous" → one). */
function extraWords(from: PromptFeatures, other: PromptFeatures): string[] {
  const extra: string[] = [];
  for (const [word, count] of from.contentCounts) {
    for (let index = other.contentCounts.get(word) ?? 0; index < count; index++) extra.push(word);
  }
  return extra;
}

/**
 * Whether two content words trade places while every other shared word keeps its order ("Is God
 * capable of disproving science?" vs "Is science capable of disproving God?", "What do Americans
 * think of the Chinese?" vs the reverse): the same words, the roles reversed. Neighbours swapping
 * ("diet for muscle building" vs "diet for building muscle") are ordinary rewording and pass; so
 * do symmetric relations ("difference between X and Y").
 */
function rolesSwapped(left: PromptFeatures, right: PromptFeatures): boolean {
  if (left.symmetric || right.symmetric) return false;
  const leftShared = left.contentOrder.filter((word) => right.contentWords.has(word));
  const rightShared = right.contentOrder.filter((word) => left.contentWords.has(word));
  const moved: number[] = [];
  for (const [position, word] of leftShared.entries()) if (rightShared[position] !== word) moved.push(position);
  if (moved.length !== 2) return false;
  const [first, second] = moved as [number, number];
  return second - first >= 2 && leftShared[first] === rightShared[second] && leftShared[second] === rightShared[first];
}

/** Whether two shared entities are mentioned in a different sequence, repeats included (roles changed). */
function entityMentionsDiffer(left: PromptFeatures, right: PromptFeatures): boolean {
  if (left.symmetric || right.symmetric) return false;
  const leftShared = left.entityMentions.filter((entity) => right.entities.has(entity));
  const rightShared = right.entityMentions.filter((entity) => left.entities.has(entity));
  // Two entities in a relation ("X beats Y"); longer sentences reorder their clauses freely.
  if (new Set(leftShared).size !== 2) return false;
  return leftShared.join('\u0000') !== rightShared.join('\u0000');
}

/** Words whose count differs between two bags, once per unit of difference ("+you", "-i"). */
function countChanges(left: ReadonlyMap<string, number>, right: ReadonlyMap<string, number>): string[] {
  const changes: string[] = [];
  for (const word of new Set([...left.keys(), ...right.keys()])) {
    const difference = (left.get(word) ?? 0) - (right.get(word) ?? 0);
    for (let index = 0; index < Math.abs(difference); index++) changes.push(`${difference > 0 ? '+' : '-'}${word}`);
  }
  return changes;
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
  const query = analyzeCached(pair.query);
  const candidate = analyzeCached(pair.candidate);
  const overlap = contentOverlap(query, candidate);
  const reject = (reason: VerifierRejection, detail: string): VerifierVerdict => ({
    accept: false,
    reason,
    detail,
    overlap,
  });
  const minContentWords = options.minContentWords ?? DEFAULT_MIN_CONTENT_WORDS;
  const fewest = Math.min(query.contentWords.size, candidate.contentWords.size);
  if (!disabled.has('too-short') && fewest < minContentWords) {
    return reject('too-short', `${fewest} content word(s), fewer than ${minContentWords}`);
  }
  if (!disabled.has('context-dependent') && (query.deictic || candidate.deictic)) {
    return reject('context-dependent', 'refers to something outside the prompt (this …, the following …)');
  }
  if (!disabled.has('numbers-differ') && !sameSet(query.numbers, candidate.numbers)) {
    return reject('numbers-differ', describe(query.numbers, candidate.numbers));
  }
  if (!disabled.has('negation-differs') && !sameSet(query.negations, candidate.negations)) {
    return reject('negation-differs', describe(query.negations, candidate.negations));
  }
  if (!disabled.has('negation-differs') && !sameSet(query.negationTargets, candidate.negationTargets)) {
    return reject('negation-differs', `negates ${describe(query.negationTargets, candidate.negationTargets)}`);
  }
  if (!disabled.has('question-type-differs') && query.questionType !== candidate.questionType) {
    return reject('question-type-differs', `${query.questionType} vs ${candidate.questionType}`);
  }
  if (!disabled.has('question-type-differs') && query.auxiliary !== candidate.auxiliary) {
    return reject('question-type-differs', `yes-no with ${query.auxiliary} vs ${candidate.auxiliary}`);
  }
  if (!disabled.has('units-differ') && !sameSet(query.units, candidate.units)) {
    return reject('units-differ', describe(query.units, candidate.units));
  }
  if (!disabled.has('dates-differ') && !sameSet(query.dates, candidate.dates)) {
    return reject('dates-differ', describe(query.dates, candidate.dates));
  }
  // Only a different comparison counts ("cheapest" vs "fastest", "best" vs "worst"): adding "best" to a
  // question rarely changes what is asked ("a good book on X" vs "the best book on X"), on Quora at least.
  const bothCompare = query.comparisons.size > 0 && candidate.comparisons.size > 0;
  const comparisonsSwapped =
    bothCompare &&
    query.comparisonOrder.join(' ') !== candidate.comparisonOrder.join(' ') &&
    sameSet(query.comparisons, candidate.comparisons);
  if (!disabled.has('comparison-differs') && comparisonsSwapped) {
    return reject(
      'comparison-differs',
      `order: ${query.comparisonOrder.join(', ')} vs ${candidate.comparisonOrder.join(', ')}`,
    );
  }
  if (!disabled.has('comparison-differs') && bothCompare && !sameSet(query.comparisons, candidate.comparisons)) {
    return reject('comparison-differs', describe(query.comparisons, candidate.comparisons));
  }
  if (!disabled.has('entities-differ')) {
    const missing = [...missingEntities(query, candidate), ...missingEntities(candidate, query)];
    if (missing.length > 0) return reject('entities-differ', missing.join(', '));
  }
  if (
    !disabled.has('entity-order') &&
    (entityOrderDiffers(query, candidate) || entityMentionsDiffer(query, candidate))
  ) {
    return reject('entities-differ', `order: ${query.entityOrder.join(', ')} vs ${candidate.entityOrder.join(', ')}`);
  }
  if (!disabled.has('roles-swapped') && rolesSwapped(query, candidate)) {
    return reject('roles-swapped', `${query.contentOrder.join(' ')} vs ${candidate.contentOrder.join(' ')}`);
  }
  const maxExtraWords = options.maxExtraWords ?? DEFAULT_MAX_EXTRA_WORDS;
  if (!disabled.has('extra-words')) {
    const queryExtra = extraWords(query, candidate);
    const candidateExtra = extraWords(candidate, query);
    if (Math.max(queryExtra.length, candidateExtra.length) > maxExtraWords) {
      return reject('extra-words', `{${queryExtra.join(', ')}} vs {${candidateExtra.join(', ')}}`);
    }
  }
  const maxFunctionWordChanges = options.maxFunctionWordChanges ?? DEFAULT_MAX_FUNCTION_WORD_CHANGES;
  if (!disabled.has('function-words-differ')) {
    const changes = countChanges(query.functionCounts, candidate.functionCounts);
    if (changes.length > maxFunctionWordChanges) {
      return reject('function-words-differ', changes.join(', '));
    }
  }
  const minOverlap = options.minOverlap ?? DEFAULT_MIN_OVERLAP;
  if (!disabled.has('overlap') && overlap < minOverlap) {
    return reject('low-overlap', `${overlap.toFixed(2)} < ${minOverlap}`);
  }
  return { accept: true, overlap };
}
