import { LRUCache } from 'lru-cache';
import type { Embedder } from '../../cache/embedders/embedder.js';

/** Texts whose vectors are remembered (512 floats each: ~40 MB at most). */
const MEMO_ENTRIES = 20_000;

/**
 * One embedder for every configuration of a replay, remembering vectors by text: the cache-only and
 * full configurations embed the same prompts, and the model is loaded once rather than per gateway.
 * The vectors are the model's own; only repeated work is skipped.
 */
export function createSharedEmbedder(inner: Embedder): Embedder {
  const memo = new LRUCache<string, Float32Array>({ max: MEMO_ENTRIES });
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    async embed(texts) {
      const missing = [...new Set(texts.filter((text) => !memo.has(text)))];
      if (missing.length > 0) {
        const vectors = await inner.embed(missing);
        missing.forEach((text, index) => {
          const vector = vectors[index];
          if (vector) memo.set(text, vector);
        });
      }
      return texts.map((text) => {
        const vector = memo.get(text);
        if (!vector) throw new Error('the embedder returned fewer vectors than texts');
        return vector;
      });
    },
  };
}
