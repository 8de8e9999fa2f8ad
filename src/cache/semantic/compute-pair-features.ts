import { LRUCache } from 'lru-cache';
import { comparePrompts, type PromptComparison } from './compare-prompts.js';

/**
 * Names of the features of a (query, cached prompt) pair, in the order {@link computePairFeatures}
 * writes them. Every feature is symmetric in the two prompts: which one was cached first must not
 * change the verdict. (The embeddings' own pair features, `|u−v|` and `u⊙v`, were tried and left
 * out: on the Quora tune part they did not raise precision at the top of the ranking.)
 */
export const PAIR_FEATURE_NAMES = [
  'cosine',
  'cosine_above_0.95',
  'too_short',
  'context_dependent',
  'numbers_differ',
  'negation_kinds_differ',
  'negation_targets_differ',
  'question_types_differ',
  'auxiliaries_differ',
  'units_differ',
  'dates_differ',
  'comparisons_differ',
  'missing_entities',
  'entity_order_differs',
  'roles_swapped',
  'extra_words_max',
  'extra_words_min',
  'extra_words_none',
  'function_word_changes',
  'function_words_same',
  'content_overlap',
  'content_jaccard',
  'word_jaccard',
  'trigram_jaccard',
  'length_ratio',
  'log_length',
  'first_word_same',
  'first_two_words_same',
  'last_word_same',
  'same_text_ignoring_case',
  'shared_entities',
  'both_negated',
  'symbols_differ',
] as const;

/** One of {@link PAIR_FEATURE_NAMES}. */
export type PairFeatureName = (typeof PAIR_FEATURE_NAMES)[number];

/** A pair as the classifier sees it: both texts and the cosine similarity of their embeddings. */
export interface FeaturePair {
  query: string;
  candidate: string;
  similarity: number;
}

function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 1;
  let shared = 0;
  for (const item of left) if (right.has(item)) shared++;
  return shared / (left.size + right.size - shared);
}

// Character trigrams of the lower-cased letters and digits: catches spelling variants the word sets miss.
function trigrams(text: string): Set<string> {
  const compact = ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
  const grams = new Set<string>();
  for (let index = 0; index + 3 <= compact.length; index++) grams.add(compact.slice(index, index + 3));
  return grams;
}

const trigramMemo = new LRUCache<string, Set<string>>({ max: 4096 });
function trigramsCached(text: string): Set<string> {
  const known = trigramMemo.get(text);
  if (known !== undefined) return known;
  const grams = trigrams(text);
  trigramMemo.set(text, grams);
  return grams;
}

// Symbols the word tokenizer drops but that change the question ("~" vs "%" in C++, "Z" vs "Z+").
function symbols(text: string): string {
  const found = new Set(text.match(/[^\p{L}\p{N}\s?.,!'"’‘“”()-]/gu) ?? []);
  return [...found].sort().join('');
}

/**
 * The feature vector of a pair, in the order of {@link PAIR_FEATURE_NAMES}. Returns the comparison
 * too, so that the verifier's hard checks need not compare the prompts again.
 */
export function computePairFeatures(pair: FeaturePair): { features: number[]; comparison: PromptComparison } {
  const comparison = comparePrompts(pair);
  return { features: pairFeaturesOf(pair, comparison), comparison };
}

/**
 * {@link computePairFeatures} from a comparison already made: the verifier compares first and
 * computes the rest only for a pair its hard checks let through (most rejected candidates stop there).
 */
export function pairFeaturesOf(pair: FeaturePair, comparison: PromptComparison): number[] {
  const { query, candidate } = comparison;
  const queryWords = query.lowerWords;
  const candidateWords = candidate.lowerWords;
  const extraMax = Math.max(comparison.queryExtraWords.length, comparison.candidateExtraWords.length);
  const extraMin = Math.min(comparison.queryExtraWords.length, comparison.candidateExtraWords.length);
  const shorter = Math.min(queryWords.length, candidateWords.length);
  const longer = Math.max(queryWords.length, candidateWords.length);
  let sharedEntities = 0;
  for (const entity of query.entities) if (candidate.entities.has(entity)) sharedEntities++;
  const flag = (value: boolean) => (value ? 1 : 0);
  const values: Record<PairFeatureName, number> = {
    cosine: pair.similarity,
    'cosine_above_0.95': Math.max(0, pair.similarity - 0.95),
    too_short: flag(comparison.fewestContentWords < 2),
    context_dependent: flag(comparison.contextDependent),
    numbers_differ: flag(comparison.numbersDiffer),
    negation_kinds_differ: flag(comparison.negationKindsDiffer),
    negation_targets_differ: flag(comparison.negationTargetsDiffer),
    question_types_differ: flag(comparison.questionTypesDiffer),
    auxiliaries_differ: flag(comparison.auxiliariesDiffer),
    units_differ: flag(comparison.unitsDiffer),
    dates_differ: flag(comparison.datesDiffer),
    comparisons_differ: flag(comparison.comparisonsDiffer || comparison.comparisonsSwapped),
    missing_entities: Math.log1p(comparison.missingEntities.length),
    entity_order_differs: flag(comparison.entityOrderDiffers),
    roles_swapped: flag(comparison.rolesSwapped),
    extra_words_max: Math.log1p(extraMax),
    extra_words_min: Math.log1p(extraMin),
    extra_words_none: flag(extraMax === 0),
    function_word_changes: Math.log1p(comparison.functionWordChanges.length),
    function_words_same: flag(comparison.functionWordChanges.length === 0),
    content_overlap: comparison.overlap,
    content_jaccard: jaccard(query.contentWords, candidate.contentWords),
    word_jaccard: jaccard(query.words, candidate.words),
    trigram_jaccard: jaccard(trigramsCached(pair.query), trigramsCached(pair.candidate)),
    length_ratio: longer === 0 ? 1 : shorter / longer,
    log_length: Math.log1p(queryWords.length + candidateWords.length),
    first_word_same: flag(queryWords[0] === candidateWords[0]),
    first_two_words_same: flag(queryWords[0] === candidateWords[0] && queryWords[1] === candidateWords[1]),
    last_word_same: flag(queryWords.at(-1) === candidateWords.at(-1)),
    same_text_ignoring_case: flag(queryWords.join(' ') === candidateWords.join(' ')),
    shared_entities: Math.log1p(sharedEntities),
    both_negated: flag(query.negated && candidate.negated),
    symbols_differ: flag(symbols(pair.query) !== symbols(pair.candidate)),
  };
  return PAIR_FEATURE_NAMES.map((name) => values[name]);
}
