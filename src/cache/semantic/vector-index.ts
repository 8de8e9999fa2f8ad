import { createRequire } from 'node:module';
import type { Index as UsearchIndex } from 'usearch';
import { searchPackedRows } from './search-packed-rows.js';

const require = createRequire(import.meta.url);

/**
 * usearch, loaded when the first index grows into a graph: its native addon costs ~8 MB of resident
 * memory, which a gateway whose semantic cache is off or small should not pay.
 */
function loadUsearch(): typeof import('usearch') {
  return require('usearch') as typeof import('usearch');
}

/** Options for {@link VectorIndex}. */
export interface VectorIndexOptions {
  /** Length of every vector. */
  dimensions: number;
  /**
   * Up to this many entries the index is a packed array searched exactly; above it the entries move
   * into a usearch HNSW graph. HNSW is faster even at 16 entries (~0.01 vs ~0.03 ms at 512
   * dimensions), but exact search stays under ~0.3 ms up to 256 and spares each of the many tiny
   * scopes (one index per scope) a native graph of its own.
   */
  exactUpTo?: number;
  /** HNSW graph degree (usearch `connectivity`). */
  connectivity?: number;
  /** Candidate list size while inserting (usearch `expansion_add`). */
  expansionAdd?: number;
  /** Candidate list size while searching (usearch `expansion_search`): higher is slower and more exact. */
  expansionSearch?: number;
  /** How HNSW stores vectors: `f32` (exact) or `f16` / `i8` (half / quarter the memory, tiny score error). */
  quantization?: 'f32' | 'f16' | 'i8';
}

/** One search result. */
export interface VectorMatch {
  /** The key the vector was added under. */
  key: number;
  /** Inner product with the query: cosine similarity, since all vectors are unit length. */
  similarity: number;
}

/** Default size up to which search is exact (see `exactUpTo`); `npm run bench:cache` measures both. */
export const DEFAULT_EXACT_UP_TO = 256;

/**
 * Default HNSW settings, measured by `npm run bench:cache` on real sentence embeddings: half-precision
 * storage and a candidate list of 64 while inserting keep recall@1 where f32 and 128 had it (0.996 vs
 * 0.998 at 20k) for half the memory and half the build time; 8-bit storage lost an eighth of recall.
 */
export const DEFAULT_GRAPH_SETTINGS: Required<Omit<VectorIndexOptions, 'dimensions' | 'exactUpTo'>> = {
  connectivity: 16,
  expansionAdd: 64,
  expansionSearch: 64,
  quantization: 'f16',
};

/**
 * Nearest-neighbour search over unit-length vectors by inner product (= cosine). Small indexes are
 * a packed array searched exactly; past `exactUpTo` entries the index becomes a usearch HNSW graph
 * and stays one (shrinking back would rebuild for nothing when traffic returns). Keys are integers chosen by the caller and never reused after removal, because
 * HNSW removal only tombstones a node.
 */
export class VectorIndex {
  readonly dimensions: number;
  private readonly options: Required<Omit<VectorIndexOptions, 'dimensions'>>;
  // Exact mode: vectors packed row by row, with the key of each row; removal swaps in the last row.
  private packed: Float32Array;
  private keys: number[] = [];
  private rowOfKey = new Map<number, number>();
  private graph: UsearchIndex | undefined;
  private graphSize = 0;

  constructor(options: VectorIndexOptions) {
    this.dimensions = options.dimensions;
    this.options = {
      exactUpTo: options.exactUpTo ?? DEFAULT_EXACT_UP_TO,
      connectivity: options.connectivity ?? DEFAULT_GRAPH_SETTINGS.connectivity,
      expansionAdd: options.expansionAdd ?? DEFAULT_GRAPH_SETTINGS.expansionAdd,
      expansionSearch: options.expansionSearch ?? DEFAULT_GRAPH_SETTINGS.expansionSearch,
      quantization: options.quantization ?? DEFAULT_GRAPH_SETTINGS.quantization,
    };
    this.packed = new Float32Array(this.dimensions * 16);
  }

  /** Number of vectors in the index. */
  get size(): number {
    return this.graph === undefined ? this.keys.length : this.graphSize;
  }

  /** Whether search runs on the HNSW graph (true) or exactly (false). */
  get approximate(): boolean {
    return this.graph !== undefined;
  }

  /** Adds a vector under a new key; adding a key already present is a no-op. */
  add(key: number, vector: Float32Array): void {
    if (vector.length !== this.dimensions) {
      throw new RangeError(`Vector of ${vector.length} dimensions added to an index of ${this.dimensions}.`);
    }
    if (this.graph !== undefined) {
      if (this.graph.contains(BigInt(key))) return;
      this.graph.add(BigInt(key), vector);
      this.graphSize++;
      return;
    }
    if (this.rowOfKey.has(key)) return;
    if (this.keys.length >= this.options.exactUpTo) {
      this.promote();
      this.add(key, vector);
      return;
    }
    const row = this.keys.length;
    if ((row + 1) * this.dimensions > this.packed.length) {
      const grown = new Float32Array(this.packed.length * 2);
      grown.set(this.packed);
      this.packed = grown;
    }
    this.packed.set(vector, row * this.dimensions);
    this.keys.push(key);
    this.rowOfKey.set(key, row);
  }

  /**
   * Adds many vectors at once; on the HNSW graph the insertion runs on every core (usearch threads),
   * which is how a large snapshot (a restart, a Redis resync) gets indexed quickly. Keys already
   * present are skipped.
   */
  addBatch(entries: readonly { key: number; vector: Float32Array }[]): void {
    if (this.graph === undefined && this.keys.length + entries.length > this.options.exactUpTo) this.promote();
    const graph = this.graph;
    if (graph === undefined) {
      for (const entry of entries) this.add(entry.key, entry.vector);
      return;
    }
    const fresh = entries.filter((entry) => !graph.contains(BigInt(entry.key)));
    if (fresh.length === 0) return;
    const keys = new BigUint64Array(fresh.length);
    const matrix = new Float32Array(fresh.length * this.dimensions);
    fresh.forEach((entry, index) => {
      if (entry.vector.length !== this.dimensions) {
        throw new RangeError(`Vector of ${entry.vector.length} dimensions added to an index of ${this.dimensions}.`);
      }
      keys[index] = BigInt(entry.key);
      matrix.set(entry.vector, index * this.dimensions);
    });
    graph.add(keys, matrix, 0);
    this.graphSize += fresh.length;
  }

  /** Removes a key; returns whether it was present. */
  remove(key: number): boolean {
    if (this.graph !== undefined) {
      const removed = this.graph.remove(BigInt(key)) as number;
      if (removed > 0) this.graphSize--;
      return removed > 0;
    }
    const row = this.rowOfKey.get(key);
    if (row === undefined) return false;
    const last = this.keys.length - 1;
    const lastKey = this.keys[last] as number;
    if (row !== last) {
      this.packed.copyWithin(row * this.dimensions, last * this.dimensions, (last + 1) * this.dimensions);
      this.keys[row] = lastKey;
      this.rowOfKey.set(lastKey, row);
    }
    this.keys.pop();
    this.rowOfKey.delete(key);
    return true;
  }

  /** The `count` nearest vectors to `query`, most similar first. */
  search(query: Float32Array, count: number): VectorMatch[] {
    if (this.size === 0 || count <= 0) return [];
    if (this.graph !== undefined) {
      const found = this.graph.search(query, Math.min(count, this.graphSize), 1);
      const matches: VectorMatch[] = [];
      for (let index = 0; index < found.keys.length; index++) {
        matches.push({ key: Number(found.keys[index]), similarity: 1 - (found.distances[index] ?? 1) });
      }
      return matches;
    }
    return this.searchExact(query, count);
  }

  private searchExact(query: Float32Array, count: number): VectorMatch[] {
    const matches = searchPackedRows({
      packed: this.packed,
      rows: this.keys.length,
      dimensions: this.dimensions,
      query,
      count,
    });
    return matches.map((match) => ({ key: this.keys[match.row] as number, similarity: match.similarity }));
  }

  private promote(): void {
    const { Index, MetricKind, ScalarKind } = loadUsearch();
    const quantization = {
      f32: ScalarKind.F32,
      f16: ScalarKind.F16,
      i8: ScalarKind.I8,
    }[this.options.quantization];
    const graph = new Index({
      dimensions: this.dimensions,
      metric: MetricKind.IP,
      quantization,
      connectivity: this.options.connectivity,
      expansion_add: this.options.expansionAdd,
      expansion_search: this.options.expansionSearch,
      multi: false,
    });
    for (let row = 0; row < this.keys.length; row++) {
      const offset = row * this.dimensions;
      graph.add(BigInt(this.keys[row] as number), this.packed.subarray(offset, offset + this.dimensions));
    }
    this.graph = graph;
    this.graphSize = this.keys.length;
    this.packed = new Float32Array(0);
    this.keys = [];
    this.rowOfKey = new Map();
  }
}
