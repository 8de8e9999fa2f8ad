import { LOCAL_EMBEDDER_ID } from '../../src/cache/embedders/create-local-embedder.js';
import { EmbeddingFileCache } from './embedding-file-cache.js';
import { createSeededRandom } from './load-cache-data.js';

/** Vectors to index and queries to look up, all unit length, packed row by row. */
export interface VectorSet {
  dimensions: number;
  /** `size` rows to index. */
  matrix: Float32Array;
  size: number;
  /** Real embeddings that are not in the index (held-out questions). */
  queries: Float32Array[];
  /** How many rows of `matrix` are real embeddings; the rest are synthetic. */
  realRows: number;
}

const DIMENSIONS = 512;

/** The real USE-lite embeddings `npm run eval:cache` left on disk (Quora and GPTCache texts). */
export function loadRealEmbeddings(): Float32Array[] {
  const cache = new EmbeddingFileCache({ id: LOCAL_EMBEDDER_ID, dimensions: DIMENSIONS, embed: async () => [] });
  return cache.values();
}

function normalizeInPlace(vector: Float32Array, offset: number, dimensions: number): void {
  let length = 0;
  for (let index = offset; index < offset + dimensions; index++) length += (vector[index] as number) ** 2;
  const scale = 1 / Math.sqrt(length);
  for (let index = offset; index < offset + dimensions; index++) vector[index] = (vector[index] as number) * scale;
}

/**
 * `size` vectors shaped like a real cache: first the real embeddings (in a seeded order), then, past
 * them, synthetic neighbours of real ones: `normalize(a + β·b + noise)` with `a`, `b` real, β up to
 * 0.5 and isotropic noise of norm 0.3, so each lands at cosine ≈ 0.8–0.95 to a real question and
 * inside the region real questions span. Random unit vectors in 512 dimensions are the worst case
 * for a graph index (no structure, every point about as far as every other) and say little about
 * text embeddings. `queryCount` real embeddings are held out as queries.
 */
export function createRealisticVectors(options: { size: number; queryCount: number; real: Float32Array[] }): VectorSet {
  const random = createSeededRandom(7);
  const real = [...options.real];
  for (let index = real.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [real[index], real[other]] = [real[other] as Float32Array, real[index] as Float32Array];
  }
  const queries = real.slice(0, options.queryCount);
  const pool = real.slice(options.queryCount);
  if (pool.length === 0) throw new Error('No real embeddings to build from: run `npm run eval:cache` first.');
  const matrix = new Float32Array(options.size * DIMENSIONS);
  const realRows = Math.min(pool.length, options.size);
  for (let row = 0; row < realRows; row++) matrix.set(pool[row] as Float32Array, row * DIMENSIONS);
  const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
  const noise = new Float32Array(DIMENSIONS);
  for (let row = realRows; row < options.size; row++) {
    const base = pool[Math.floor(random() * pool.length)] as Float32Array;
    const other = pool[Math.floor(random() * pool.length)] as Float32Array;
    const weight = 0.5 * random();
    let noiseLength = 0;
    for (let index = 0; index < DIMENSIONS; index++) {
      noise[index] = gaussian();
      noiseLength += (noise[index] as number) ** 2;
    }
    const noiseScale = 0.3 / Math.sqrt(noiseLength);
    const offset = row * DIMENSIONS;
    for (let index = 0; index < DIMENSIONS; index++) {
      matrix[offset + index] =
        (base[index] as number) + weight * (other[index] as number) + noiseScale * (noise[index] as number);
    }
    normalizeInPlace(matrix, offset, DIMENSIONS);
  }
  return { dimensions: DIMENSIONS, matrix, size: options.size, queries, realRows };
}
