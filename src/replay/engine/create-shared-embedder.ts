import { LRUCache } from 'lru-cache';
import type { Embedder } from '../../cache/embedders/embedder.js';

/** Vectors of texts, computed ahead (by the embedding phase of a replay in worker processes). */
export interface KnownVectors {
  texts: string[];
  vectors: Float32Array[];
}

/** Texts whose vectors are remembered (512 floats each: ~40 MB at most), and so the most a replay computes ahead. */
export const MAX_KNOWN_VECTORS = 20_000;

/** An embedder that remembers vectors and can embed texts ahead of need, in batches. */
export interface SharedEmbedder extends Embedder {
  /** Embeds the texts not yet known, in one batch, so that later `embed` calls for them are instant. */
  prefetch(texts: readonly string[]): Promise<void>;
  /** Remembers vectors computed elsewhere by the same model. */
  remember(known: KnownVectors): void;
}

/**
 * One embedder for every configuration of a replay, remembering vectors by text: the cache-only and
 * full configurations embed the same prompts, and the model is loaded once rather than per gateway.
 * The replay also knows which prompts come next, and a batch of texts costs the model far less per
 * text than one text at a time, so it prefetches. The vectors are the model's own; only repeated work
 * is skipped.
 */
export function createSharedEmbedder(inner: Embedder): SharedEmbedder {
  const memo = new LRUCache<string, Float32Array>({ max: MAX_KNOWN_VECTORS });
  const compute = async (texts: readonly string[]): Promise<void> => {
    // Sorted by length: the model pads a batch to its longest text, so similar lengths batch cheaply.
    const missing = [...new Set(texts.filter((text) => !memo.has(text)))].sort((a, b) => a.length - b.length);
    if (missing.length === 0) return;
    const vectors = await inner.embed(missing);
    missing.forEach((text, index) => {
      const vector = vectors[index];
      if (vector) memo.set(text, vector);
    });
  };
  return {
    id: inner.id,
    dimensions: inner.dimensions,
    prefetch: compute,
    remember(known) {
      known.texts.forEach((text, index) => {
        const vector = known.vectors[index];
        if (vector) memo.set(text, vector);
      });
    },
    async embed(texts) {
      await compute(texts);
      return texts.map((text) => {
        const vector = memo.get(text);
        if (!vector) throw new Error('the embedder returned fewer vectors than texts');
        return vector;
      });
    },
  };
}
