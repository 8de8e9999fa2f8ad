import { verifyCandidate } from '../../src/cache/semantic/verify-candidate.js';
import type { VerifierOptions } from '../../src/cache/semantic/verify-match.js';

/** A pair with its cosine similarity and, once computed, the verifier verdicts per setting. */
export interface ScoredPair {
  textA: string;
  textB: string;
  duplicate: boolean;
  similarity: number;
}

/** Precision, recall and hit rate of one operating point. */
export interface OperatingPoint {
  threshold: number;
  precision: number;
  recall: number;
  hitRate: number;
  hits: number;
  wrongHits: number;
}

/** A named verifier setting; `undefined` options means the raw embedding (no verifier). */
export interface VerifierSetting {
  name: string;
  options: VerifierOptions | undefined;
}

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index++) dot += (left[index] as number) * (right[index] as number);
  return dot;
}

/** Cosine similarity of every pair, from precomputed unit vectors. */
export function scorePairs(
  pairs: readonly { textA: string; textB: string; duplicate: boolean }[],
  vectorOf: (text: string) => Float32Array,
): ScoredPair[] {
  return pairs.map((pair) => ({ ...pair, similarity: cosine(vectorOf(pair.textA), vectorOf(pair.textB)) }));
}

function pointOf(options: { hits: number; wrongHits: number; positives: number; pairs: number; threshold: number }) {
  const { hits, wrongHits, positives } = options;
  return {
    threshold: options.threshold,
    precision: hits === 0 ? 1 : (hits - wrongHits) / hits,
    recall: positives === 0 ? 0 : (hits - wrongHits) / positives,
    hitRate: options.pairs === 0 ? 0 : hits / options.pairs,
    hits,
    wrongHits,
  };
}

/**
 * Precision / recall / hit rate of the learned verifier at one similarity threshold and each least
 * probability in `minProbabilities` (the `threshold` field of each point holds the probability):
 * the curve a deployment moves along with `minProbability`.
 */
export function sweepProbability(options: {
  pairs: readonly ScoredPair[];
  setting: VerifierSetting;
  similarityThreshold: number;
  minProbabilities: readonly number[];
}): OperatingPoint[] {
  const { pairs } = options;
  const probabilities = pairs.map((pair) => {
    if (pair.similarity < options.similarityThreshold) return -1;
    const verdict = verifyCandidate(
      { query: pair.textB, candidate: pair.textA, similarity: pair.similarity },
      { ...options.setting.options, minProbability: 0 },
    );
    return verdict.accept ? (verdict.probability ?? 1) : -1;
  });
  const positives = pairs.filter((pair) => pair.duplicate).length;
  return options.minProbabilities.map((minProbability) => {
    let hits = 0;
    let wrongHits = 0;
    pairs.forEach((pair, index) => {
      if ((probabilities[index] as number) < minProbability) return;
      hits++;
      if (!pair.duplicate) wrongHits++;
    });
    return pointOf({ hits, wrongHits, positives, pairs: pairs.length, threshold: minProbability });
  });
}

/**
 * Precision / recall / hit rate at each threshold for one setting. A "hit" is a pair whose
 * similarity reaches the threshold and which the verifier accepts (text B asking, text A cached);
 * a hit on a non-duplicate is a wrong answer served.
 */
export function sweep(options: {
  pairs: readonly ScoredPair[];
  setting: VerifierSetting;
  thresholds: readonly number[];
}): OperatingPoint[] {
  const { pairs, setting } = options;
  const lowest = Math.min(...options.thresholds);
  const accepted = pairs.map(
    (pair) =>
      pair.similarity >= lowest &&
      (setting.options === undefined ||
        verifyCandidate({ query: pair.textB, candidate: pair.textA, similarity: pair.similarity }, setting.options)
          .accept),
  );
  const positives = pairs.filter((pair) => pair.duplicate).length;
  return options.thresholds.map((threshold) => {
    let hits = 0;
    let wrongHits = 0;
    pairs.forEach((pair, index) => {
      if (!accepted[index] || pair.similarity < threshold) return;
      hits++;
      if (!pair.duplicate) wrongHits++;
    });
    return pointOf({ hits, wrongHits, positives, pairs: pairs.length, threshold });
  });
}
