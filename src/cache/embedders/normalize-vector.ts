import { GatewayError } from '../../spec/index.js';

/**
 * A copy of `values` scaled to unit length, as a Float32Array. A zero or non-finite vector cannot be
 * compared by angle, so it is an `upstream_malformed` error rather than a silent NaN in the index.
 */
export function normalizeVector(values: ArrayLike<number>): Float32Array {
  const vector = Float32Array.from(values);
  let squared = 0;
  for (const value of vector) squared += value * value;
  const length = Math.sqrt(squared);
  if (!Number.isFinite(length) || length === 0) {
    throw new GatewayError({
      code: 'upstream_malformed',
      message: 'The embedder returned a zero or non-finite vector, which cannot be compared by angle.',
    });
  }
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] ?? 0) / length;
  return vector;
}
