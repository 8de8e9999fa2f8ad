import { createHash } from 'node:crypto';
import type { Embedder } from '../../embedders/embedder.js';

/**
 * A deterministic stand-in embedder for tests of the cache machinery: a bag of words hashed into
 * `dimensions` buckets, unit length. Texts sharing most words score high, unrelated texts near 0.
 * Counts its calls so tests can check that a passed vector is reused.
 */
export function createHashingEmbedder(dimensions = 128): Embedder & { calls: number } {
  const embedder = {
    id: 'test/hashing-bag-of-words',
    dimensions,
    calls: 0,
    async embed(texts: readonly string[]) {
      embedder.calls++;
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
          const digest = createHash('sha256').update(word).digest();
          for (let index = 0; index < 3; index++) {
            const bucket = (digest.readUInt16BE(index * 2) % dimensions) as number;
            vector[bucket] = (vector[bucket] as number) + ((digest[8 + index] as number) & 1 ? 1 : -1);
          }
        }
        let length = 0;
        for (const value of vector) length += value * value;
        length = Math.sqrt(length) || 1;
        return vector.map((value) => value / length);
      });
    },
  };
  return embedder;
}
