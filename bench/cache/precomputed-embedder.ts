import type { Embedder } from '../../src/cache/embedders/embedder.js';
import type { EmbeddingFileCache } from './embedding-file-cache.js';

/** An embedder answering from vectors computed earlier by the real model, so evaluation replays fast. */
export function createPrecomputedEmbedder(options: {
  id: string;
  dimensions: number;
  vectors: EmbeddingFileCache;
}): Embedder {
  return {
    id: options.id,
    dimensions: options.dimensions,
    async embed(texts) {
      return texts.map((text) => {
        const vector = options.vectors.get(text);
        if (vector === undefined) throw new Error(`No precomputed embedding for: ${text.slice(0, 80)}`);
        return vector;
      });
    },
  };
}
