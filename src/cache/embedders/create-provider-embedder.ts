import { GatewayError } from '../../spec/index.js';
import type { Embedder } from './embedder.js';
import { normalizeVector } from './normalize-vector.js';

/** Options for {@link createProviderEmbedder}. */
export interface ProviderEmbedderOptions {
  /** Stable name of the provider model, e.g. `openai/text-embedding-3-small`. */
  id: string;
  /** Length of the vectors the provider returns. */
  dimensions: number;
  /** Calls the provider (the gateway passes its own `/v1/embeddings` path); one vector per text, in order. */
  embed: (texts: string[]) => Promise<number[][]>;
  /** Most texts per provider call; larger inputs are split. */
  maxBatchSize?: number;
}

/**
 * An embedder backed by a provider's embeddings endpoint. It checks what comes back (one vector per
 * text, of the declared size) so that a misbehaving provider is an `upstream_malformed` error and
 * never a vector of the wrong shape inside the index, and normalises every vector to unit length.
 */
export function createProviderEmbedder(options: ProviderEmbedderOptions): Embedder {
  const maxBatchSize = Math.max(1, options.maxBatchSize ?? 256);
  return {
    id: options.id,
    dimensions: options.dimensions,
    async embed(texts) {
      const vectors: Float32Array[] = [];
      for (let start = 0; start < texts.length; start += maxBatchSize) {
        const batch = texts.slice(start, start + maxBatchSize);
        const raw = await options.embed(batch);
        if (raw.length !== batch.length) {
          throw new GatewayError({
            code: 'upstream_malformed',
            message: `Embedder ${options.id} returned ${raw.length} vectors for ${batch.length} texts.`,
          });
        }
        for (const values of raw) {
          if (values.length !== options.dimensions) {
            throw new GatewayError({
              code: 'upstream_malformed',
              message: `Embedder ${options.id} returned a vector of ${values.length} dimensions, expected ${options.dimensions}.`,
            });
          }
          vectors.push(normalizeVector(values));
        }
      }
      return vectors;
    },
  };
}
