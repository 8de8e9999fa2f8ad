import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** One row of a packed matrix near a query. */
export interface RowMatch {
  /** Row number in the packed matrix. */
  row: number;
  /** Inner product with the query, summed in float64 in dimension order (see {@link dotRow}). */
  similarity: number;
}

/**
 * From this many rows the scan runs in usearch's native (SIMD) exact search: ~50 µs for 230 rows of
 * 512 dimensions where the JavaScript loop takes ~300 µs, which was most of a semantic hit's own
 * time in `npm run bench:cache`. Below it the loop is cheap and usearch's native addon (~8 MB
 * resident) is not loaded for it.
 */
export const NATIVE_SCAN_FROM_ROWS = 64;

/** Rows fetched from the native scan beyond `count`, then re-scored exactly. */
const EXTRA_ROWS = 8;

/**
 * The similarity the semantic cache has always used: float64 sum in dimension order of the float32
 * products. Thresholds, the verifier's cosine feature and the eval were all set on these values, so
 * every reported similarity is computed this way, whichever scan found the row.
 */
function dotRow(packed: Float32Array, offset: number, query: Float32Array, dimensions: number): number {
  let dot = 0;
  for (let index = 0; index < dimensions; index++) dot += (packed[offset + index] as number) * (query[index] as number);
  return dot;
}

/** The exact scan in JavaScript: every row scored, the best `count` kept in a small sorted buffer. */
function scanAll(input: SearchPackedRowsInput): RowMatch[] {
  const { packed, rows, dimensions, query, count } = input;
  const best: RowMatch[] = [];
  for (let row = 0; row < rows; row++) {
    const dot = dotRow(packed, row * dimensions, query, dimensions);
    if (best.length === count && dot <= (best[count - 1] as RowMatch).similarity) continue;
    let position = best.length === count ? count - 1 : best.length;
    // Strictly less: of equal scores the earlier row stays first.
    while (position > 0 && (best[position - 1] as RowMatch).similarity < dot) {
      best[position] = best[position - 1] as RowMatch;
      position--;
    }
    best[position] = { row, similarity: dot };
  }
  return best;
}

let nativeExactSearch: typeof import('usearch').exactSearch | undefined;
let nativeInnerProduct: import('usearch').MetricKind | undefined;

/** Input of {@link searchPackedRows}. */
export interface SearchPackedRowsInput {
  /** Rows of `dimensions` floats back to back (may be longer than `rows × dimensions`). */
  packed: Float32Array;
  rows: number;
  dimensions: number;
  query: Float32Array;
  count: number;
}

/**
 * The `count` rows with the largest inner product with `query`, most similar first, equal scores in
 * row order. The result is the one the plain JavaScript scan gives, values included: past
 * {@link NATIVE_SCAN_FROM_ROWS} rows a native float32 scan picks `count + 8` rows, which are then
 * re-scored exactly; if the float32 rounding (≤ n·2⁻²⁴ for unit vectors, which the index holds) could
 * have left out a row that belongs, the JavaScript scan runs instead.
 */
export function searchPackedRows(input: SearchPackedRowsInput): RowMatch[] {
  const { packed, rows, dimensions, query, count } = input;
  if (rows === 0 || count <= 0) return [];
  if (rows < NATIVE_SCAN_FROM_ROWS || rows <= count) return scanAll(input);
  if (nativeExactSearch === undefined || nativeInnerProduct === undefined) {
    const usearch = require('usearch') as typeof import('usearch');
    nativeExactSearch = usearch.exactSearch;
    nativeInnerProduct = usearch.MetricKind.IP;
  }
  const fetched = Math.min(rows, count + EXTRA_ROWS);
  // The addon reads a typed array from the start of its buffer, ignoring a view's offset: a vector the
  // embedder handed over as a slice of one batch buffer goes in as a copy of its own.
  const ownQuery =
    query.byteOffset === 0 && query.buffer.byteLength === query.byteLength ? query : query.slice(0, dimensions);
  const found = nativeExactSearch(
    packed.subarray(0, rows * dimensions),
    ownQuery,
    dimensions,
    fetched,
    nativeInnerProduct,
    1,
  );
  const rescored: RowMatch[] = [];
  for (let index = 0; index < found.keys.length; index++) {
    const row = Number(found.keys[index]);
    rescored.push({ row, similarity: dotRow(packed, row * dimensions, query, dimensions) });
  }
  rescored.sort((left, right) => right.similarity - left.similarity || left.row - right.row);
  const best = rescored.slice(0, count);
  if (found.keys.length === rows) return best;
  // Every row left out scored at most the lowest fetched score natively, so at most that plus the
  // rounding bound exactly; a kept row above that line cannot have been displaced.
  let queryNormSquared = 0;
  for (let index = 0; index < dimensions; index++) queryNormSquared += (query[index] as number) ** 2;
  const bound = 4 * dimensions * 2 ** -24 * Math.max(1, Math.sqrt(queryNormSquared)) + 1e-6;
  const lowestFetched = 1 - (found.distances[found.keys.length - 1] ?? 0);
  const lastKept = best[count - 1];
  if (found.keys.length < fetched || lastKept === undefined || lastKept.similarity <= lowestFetched + bound) {
    return scanAll(input);
  }
  return best;
}
