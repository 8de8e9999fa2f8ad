import type { FeatureCounts } from './hash-text-features.js';

/** A sparse row: column indices (ascending) and their values. */
export interface SparseVector {
  indices: Int32Array;
  values: Float64Array;
}

/** Vocabulary and inverse document frequencies learned from training prompts. */
export interface TfidfVocabulary {
  /** Hash buckets kept, ascending; a bucket's position is its column. */
  buckets: number[];
  /** Inverse document frequency per column: `ln((1 + n) / (1 + df)) + 1` (smoothed, as scikit-learn). */
  idf: number[];
  /** Use `1 + ln(tf)` instead of raw counts. */
  sublinearTf: boolean;
}

/** Options for {@link fitTfidfVocabulary}. */
export interface FitTfidfOptions {
  documents: readonly FeatureCounts[];
  /** Drop buckets seen in fewer prompts than this (they cannot generalise). */
  minDocumentCount: number;
  /**
   * Drop buckets seen in more than this share of prompts: template and few-shot boilerplate that
   * every prompt shares would otherwise dominate every cosine similarity. 1 keeps everything.
   */
  maxDocumentShare: number;
  sublinearTf: boolean;
}

/** Learns which buckets to keep and their IDF from training prompts. */
export function fitTfidfVocabulary(options: FitTfidfOptions): TfidfVocabulary {
  const documentFrequency = new Map<number, number>();
  for (const document of options.documents) {
    for (const bucket of document.buckets) documentFrequency.set(bucket, (documentFrequency.get(bucket) ?? 0) + 1);
  }
  const total = options.documents.length;
  const maxCount = options.maxDocumentShare >= 1 ? Number.POSITIVE_INFINITY : options.maxDocumentShare * total;
  const buckets = [...documentFrequency.entries()]
    .filter(([, count]) => count >= options.minDocumentCount && count <= maxCount)
    .map(([bucket]) => bucket)
    .sort((left, right) => left - right);
  const idf = buckets.map((bucket) => Math.log((1 + total) / (1 + (documentFrequency.get(bucket) as number))) + 1);
  return { buckets, idf, sublinearTf: options.sublinearTf };
}

/** Turns counts into L2-normalised TF-IDF rows over a fitted vocabulary. Build once, call per prompt. */
export class TfidfVectoriser {
  /** Number of columns. */
  readonly size: number;
  private readonly columnOf: Map<number, number>;
  private readonly idf: Float64Array;
  private readonly sublinearTf: boolean;

  constructor(vocabulary: TfidfVocabulary) {
    this.size = vocabulary.buckets.length;
    this.columnOf = new Map(vocabulary.buckets.map((bucket, column) => [bucket, column]));
    this.idf = Float64Array.from(vocabulary.idf);
    this.sublinearTf = vocabulary.sublinearTf;
  }

  /** The L2-normalised TF-IDF row of one prompt's counts; buckets outside the vocabulary are ignored. */
  vectorise(features: FeatureCounts): SparseVector {
    // Columns follow ascending bucket order, and so do the counts' buckets: no sort needed.
    const indices = new Int32Array(features.buckets.length);
    const values = new Float64Array(features.buckets.length);
    let size = 0;
    let norm = 0;
    for (let position = 0; position < features.buckets.length; position += 1) {
      const column = this.columnOf.get(features.buckets[position] as number);
      if (column === undefined) continue;
      const count = features.counts[position] as number;
      const value = (this.sublinearTf ? 1 + Math.log(count) : count) * (this.idf[column] as number);
      indices[size] = column;
      values[size] = value;
      norm += value * value;
      size += 1;
    }
    norm = Math.sqrt(norm) || 1;
    for (let position = 0; position < size; position += 1) values[position] = (values[position] as number) / norm;
    return { indices: indices.slice(0, size), values: values.slice(0, size) };
  }
}

/** Dot product of two sparse rows (both with ascending indices). */
export function sparseDot(left: SparseVector, right: SparseVector): number {
  let sum = 0;
  let i = 0;
  let j = 0;
  while (i < left.indices.length && j < right.indices.length) {
    const a = left.indices[i] as number;
    const b = right.indices[j] as number;
    if (a === b) {
      sum += (left.values[i] as number) * (right.values[j] as number);
      i += 1;
      j += 1;
    } else if (a < b) i += 1;
    else j += 1;
  }
  return sum;
}
