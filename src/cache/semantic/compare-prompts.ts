import { LRUCache } from 'lru-cache';
import { analyzePrompt, type PromptFeatures, stem } from './analyze-prompt.js';

/**
 * Every difference the verifier looks at between a query and a cached prompt, computed in full (no
 * short cut at the first difference): the rule verifier reads it in order, and the learned pair
 * classifier reads all of it as features.
 */
export interface PromptComparison {
  query: PromptFeatures;
  candidate: PromptFeatures;
  /** Content words of the shorter prompt ("What is money?" has one). */
  fewestContentWords: number;
  /** Either prompt points at something outside its text ("this …", "the following …"). */
  contextDependent: boolean;
  numbersDiffer: boolean;
  /** The kinds of negation differ (not / cannot / never / no / without). */
  negationKindsDiffer: boolean;
  /** What is negated differs ("not have X" vs "not be Y"). */
  negationTargetsDiffer: boolean;
  questionTypesDiffer: boolean;
  /** Yes-no questions opening with different auxiliaries ("Is …" vs "Can …"). */
  auxiliariesDiffer: boolean;
  unitsDiffer: boolean;
  datesDiffer: boolean;
  /** The same comparatives in another order ("best thing … worst" vs "worst thing … best"). */
  comparisonsSwapped: boolean;
  /** Both compare, with different comparatives ("cheapest" vs "fastest"). */
  comparisonsDiffer: boolean;
  /** Entities of either prompt the other does not mention. */
  missingEntities: string[];
  /** Two shared entities related the other way round. */
  entityOrderDiffers: boolean;
  /** Two content words trade places across others ("God … disprove science" vs the reverse). */
  rolesSwapped: boolean;
  /** Content words of the query the candidate lacks, with repeats. */
  queryExtraWords: string[];
  /** Content words of the candidate the query lacks, with repeats. */
  candidateExtraWords: string[];
  /** Function words added or dropped ("+you", "-i"). */
  functionWordChanges: string[];
  /** Content words in common over the smaller set. */
  overlap: number;
}

// Cached prompts are compared again and again as candidates; their analyses do not change.
const analyses = new LRUCache<string, PromptFeatures>({ max: 4096 });

/** {@link analyzePrompt} behind a bounded memo: a cached prompt is analysed once, not at every lookup. */
export function analyzePromptCached(text: string): PromptFeatures {
  const known = analyses.get(text);
  if (known !== undefined) return known;
  const features = analyzePrompt(text);
  analyses.set(text, features);
  return features;
}

function sameSet(left: ReadonlySet<string>, right: ReadonlySet<string>): boolean {
  if (left.size !== right.size) return false;
  for (const item of left) if (!right.has(item)) return false;
  return true;
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

/** Whether two shared entities are mentioned in a different sequence, repeats included (roles changed). */
function entityMentionsDiffer(left: PromptFeatures, right: PromptFeatures): boolean {
  if (left.symmetric || right.symmetric) return false;
  const leftShared = left.entityMentions.filter((entity) => right.entities.has(entity));
  const rightShared = right.entityMentions.filter((entity) => left.entities.has(entity));
  // Two entities in a relation ("X beats Y"); longer sentences reorder their clauses freely.
  if (new Set(leftShared).size !== 2) return false;
  return leftShared.join('\u0000') !== rightShared.join('\u0000');
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

/** Compares two prompts on everything the verifier checks. Pure; a few microseconds once both are analysed. */
export function comparePrompts(pair: { query: string; candidate: string }): PromptComparison {
  const query = analyzePromptCached(pair.query);
  const candidate = analyzePromptCached(pair.candidate);
  const bothCompare = query.comparisons.size > 0 && candidate.comparisons.size > 0;
  const sameComparisons = sameSet(query.comparisons, candidate.comparisons);
  return {
    query,
    candidate,
    fewestContentWords: Math.min(query.contentWords.size, candidate.contentWords.size),
    contextDependent: query.deictic || candidate.deictic,
    numbersDiffer: !sameSet(query.numbers, candidate.numbers),
    negationKindsDiffer: !sameSet(query.negations, candidate.negations),
    negationTargetsDiffer: !sameSet(query.negationTargets, candidate.negationTargets),
    questionTypesDiffer: query.questionType !== candidate.questionType,
    auxiliariesDiffer: query.auxiliary !== candidate.auxiliary,
    unitsDiffer: !sameSet(query.units, candidate.units),
    datesDiffer: !sameSet(query.dates, candidate.dates),
    comparisonsSwapped:
      bothCompare && sameComparisons && query.comparisonOrder.join(' ') !== candidate.comparisonOrder.join(' '),
    comparisonsDiffer: bothCompare && !sameComparisons,
    missingEntities: [...missingEntities(query, candidate), ...missingEntities(candidate, query)],
    entityOrderDiffers: entityOrderDiffers(query, candidate) || entityMentionsDiffer(query, candidate),
    rolesSwapped: rolesSwapped(query, candidate),
    queryExtraWords: extraWords(query, candidate),
    candidateExtraWords: extraWords(candidate, query),
    functionWordChanges: countChanges(query.functionCounts, candidate.functionCounts),
    overlap: contentOverlap(query, candidate),
  };
}
