import { type VerifierOptions, verifyMatch } from '../../src/cache/semantic/verify-match.js';

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
        verifyMatch({ query: pair.textB, candidate: pair.textA }, setting.options).accept),
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
    return {
      threshold,
      precision: hits === 0 ? 1 : (hits - wrongHits) / hits,
      recall: positives === 0 ? 0 : (hits - wrongHits) / positives,
      hitRate: pairs.length === 0 ? 0 : hits / pairs.length,
      hits,
      wrongHits,
    };
  });
}
