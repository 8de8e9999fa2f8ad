import { hashTextFeatures, type TextFeatureConfig } from '../learned/hash-text-features.js';
import type { OutcomeTable } from '../learned/outcome-row.js';
import { fitTfidfVocabulary, type SparseVector, sparseDot, TfidfVectoriser } from '../learned/tfidf-vectoriser.js';

/**
 * The standard TF-IDF kNN router baseline (as in RouterBench and RouteLLM's comparisons): plain word
 * unigram TF-IDF (smoothed IDF, raw term frequency, L2-normalised, no vocabulary pruning), cosine
 * similarity, and each model's predicted quality is the plain mean of its scores on the k nearest
 * training prompts.
 */
export const KNN_TEXT_FEATURES: Readonly<TextFeatureConfig> = Object.freeze({
  hashBits: 20,
  wordNgramMax: 1,
  charNgramMin: 0,
  charNgramMax: 0,
  tailSegment: false,
});

/** A fitted kNN baseline. */
export interface KnnBaseline {
  /** The neighbourhood size chosen by leave-one-out on the training prompts. */
  k: number;
  /** Predicted quality per model (table order). */
  predict(prompt: string): Float64Array;
}

/** Input of {@link fitKnnBaseline}. */
export interface FitKnnBaselineInput {
  table: OutcomeTable;
  promptIndices: readonly number[];
  /** Neighbourhood sizes to choose from (default 10, 20, 40). */
  kChoices?: readonly number[];
}

function neighbourMean(options: {
  order: readonly number[];
  k: number;
  targets: readonly Float64Array[];
  fallback: Float64Array;
}): Float64Array {
  const { order, k, targets, fallback } = options;
  const sums = new Float64Array(fallback.length);
  const counts = new Float64Array(fallback.length);
  for (let rank = 0; rank < Math.min(k, order.length); rank += 1) {
    const target = targets[order[rank] as number] as Float64Array;
    for (let model = 0; model < target.length; model += 1) {
      const value = target[model] as number;
      if (Number.isFinite(value)) {
        sums[model] = (sums[model] as number) + value;
        counts[model] = (counts[model] as number) + 1;
      }
    }
  }
  return sums.map((sum, model) =>
    (counts[model] as number) > 0 ? sum / (counts[model] as number) : (fallback[model] as number),
  );
}

function nearestFirst(similarities: Float64Array, exclude: number): number[] {
  const order: number[] = [];
  for (let index = 0; index < similarities.length; index += 1) if (index !== exclude) order.push(index);
  return order.sort((left, right) => (similarities[right] as number) - (similarities[left] as number) || left - right);
}

/** Fits the kNN baseline on some prompts of a table, choosing k by leave-one-out squared error. */
export function fitKnnBaseline(input: FitKnnBaselineInput): KnnBaseline {
  const { table, promptIndices } = input;
  const counts = promptIndices.map((prompt) => hashTextFeatures(table.prompts[prompt] as string, KNN_TEXT_FEATURES));
  const vectoriser = new TfidfVectoriser(
    fitTfidfVocabulary({ documents: counts, minDocumentCount: 1, maxDocumentShare: 1, sublinearTf: false }),
  );
  const rows: SparseVector[] = counts.map((count) => vectoriser.vectorise(count));
  const targets = promptIndices.map((prompt) => table.scores[prompt] as Float64Array);
  const fallback = new Float64Array(table.models.length).map((_, model) => {
    const observed = targets.map((target) => target[model] as number).filter(Number.isFinite);
    return observed.length ? observed.reduce((sum, value) => sum + value, 0) / observed.length : 0;
  });
  const kChoices = input.kChoices ?? [10, 20, 40];
  const errors = new Float64Array(kChoices.length);
  rows.forEach((row, self) => {
    const similarities = Float64Array.from(rows, (other) => sparseDot(row, other));
    const order = nearestFirst(similarities, self);
    const truth = targets[self] as Float64Array;
    kChoices.forEach((k, choice) => {
      const predicted = neighbourMean({ order, k, targets, fallback });
      for (let model = 0; model < truth.length; model += 1) {
        const value = truth[model] as number;
        if (Number.isFinite(value))
          errors[choice] = (errors[choice] as number) + ((predicted[model] as number) - value) ** 2;
      }
    });
  });
  let best = 0;
  errors.forEach((error, choice) => {
    if (error < (errors[best] as number)) best = choice;
  });
  const k = kChoices[best] ?? 20;
  return {
    k,
    predict(prompt: string): Float64Array {
      const row = vectoriser.vectorise(hashTextFeatures(prompt, KNN_TEXT_FEATURES));
      const similarities = Float64Array.from(rows, (other) => sparseDot(row, other));
      return neighbourMean({ order: nearestFirst(similarities, -1), k, targets, fallback });
    },
  };
}
