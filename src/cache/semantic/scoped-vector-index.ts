import type { SemanticEntryIndexData } from './semantic-cache-store.js';
import { VectorIndex, type VectorIndexOptions } from './vector-index.js';

/** Options for {@link ScopedVectorIndex}. */
export interface ScopedVectorIndexOptions {
  /** Length of every vector. */
  dimensions: number;
  /** Most entries across all scopes; past it the least recently used entry is evicted. */
  maxEntries: number;
  /** Tuning of each scope's {@link VectorIndex}. */
  index?: Omit<VectorIndexOptions, 'dimensions'>;
}

/** A live entry near a query. */
export interface ScopedCandidate {
  entry: SemanticEntryIndexData;
  similarity: number;
}

interface IndexedEntry {
  data: SemanticEntryIndexData;
  key: number;
}

/**
 * The local ANN index of the semantic cache: one {@link VectorIndex} per scope key, so a search
 * physically cannot reach another scope's vectors — there is no shared index to filter and no
 * filter to forget. Entries carry an expiry (checked on every search, swept when the index is full)
 * and the whole index is bounded by `maxEntries` with least-recently-used eviction; a scope whose
 * last entry leaves is dropped, so the number of scopes is bounded by the number of entries.
 */
export class ScopedVectorIndex {
  private readonly scopes = new Map<string, VectorIndex>();
  // Insertion order is recency order: a hit deletes and re-inserts its entry.
  private readonly entries = new Map<string, IndexedEntry>();
  private readonly entryIdOfKey = new Map<number, string>();
  private nextKey = 1;

  constructor(private readonly options: ScopedVectorIndexOptions) {}

  /** Entries held, across scopes (some may have expired and not yet been swept). */
  get size(): number {
    return this.entries.size;
  }

  /** Scopes with at least one entry. */
  get scopeCount(): number {
    return this.scopes.size;
  }

  /** Whether an entry is held. */
  has(entryId: string): boolean {
    return this.entries.has(entryId);
  }

  /** The index data of an entry. */
  get(entryId: string): SemanticEntryIndexData | undefined {
    return this.entries.get(entryId)?.data;
  }

  /**
   * Adds an entry (a no-op if its id is already held). Returns the ids removed to make room:
   * expired entries first, then the least recently used.
   */
  add(entry: SemanticEntryIndexData, now: number): string[] {
    if (this.entries.has(entry.entryId) || entry.expiresAt <= now) return [];
    const removed: string[] = [];
    if (this.entries.size >= this.options.maxEntries) removed.push(...this.sweepExpired(now));
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
      removed.push(oldest);
    }
    let scope = this.scopes.get(entry.scopeKey);
    if (scope === undefined) {
      scope = new VectorIndex({ ...this.options.index, dimensions: this.options.dimensions });
      this.scopes.set(entry.scopeKey, scope);
    }
    const key = this.nextKey++;
    scope.add(key, entry.vector);
    this.entries.set(entry.entryId, { data: entry, key });
    this.entryIdOfKey.set(key, entry.entryId);
    return removed;
  }

  /** Removes an entry; returns whether it was held. */
  remove(entryId: string): boolean {
    const found = this.entries.get(entryId);
    if (found === undefined) return false;
    this.entries.delete(entryId);
    this.entryIdOfKey.delete(found.key);
    const scope = this.scopes.get(found.data.scopeKey);
    if (scope !== undefined) {
      scope.remove(found.key);
      if (scope.size === 0) this.scopes.delete(found.data.scopeKey);
    }
    return true;
  }

  /** Marks an entry as just used, for LRU eviction. */
  touch(entryId: string): void {
    const found = this.entries.get(entryId);
    if (found === undefined) return;
    this.entries.delete(entryId);
    this.entries.set(entryId, found);
  }

  /**
   * The live entries of one scope nearest to `vector`, most similar first. Expired entries met on the
   * way are removed and reported in `expired`.
   */
  search(query: { scopeKey: string; vector: Float32Array; count: number; now: number }): {
    candidates: ScopedCandidate[];
    expired: string[];
  } {
    const scope = this.scopes.get(query.scopeKey);
    if (scope === undefined) return { candidates: [], expired: [] };
    const candidates: ScopedCandidate[] = [];
    const expired: string[] = [];
    for (const match of scope.search(query.vector, query.count)) {
      const entryId = this.entryIdOfKey.get(match.key);
      const found = entryId === undefined ? undefined : this.entries.get(entryId);
      if (entryId === undefined || found === undefined) continue;
      // Belt and braces: the per-scope index already guarantees this.
      if (found.data.scopeKey !== query.scopeKey) continue;
      if (found.data.expiresAt <= query.now) {
        this.remove(entryId);
        expired.push(entryId);
        continue;
      }
      candidates.push({ entry: found.data, similarity: match.similarity });
    }
    return { candidates, expired };
  }

  /** Removes every expired entry; returns their ids. */
  sweepExpired(now: number): string[] {
    const expired: string[] = [];
    for (const [entryId, found] of this.entries) if (found.data.expiresAt <= now) expired.push(entryId);
    for (const entryId of expired) this.remove(entryId);
    return expired;
  }

  /** Every entry id held. */
  entryIds(): string[] {
    return [...this.entries.keys()];
  }

  /** Removes everything. */
  clear(): void {
    this.scopes.clear();
    this.entries.clear();
    this.entryIdOfKey.clear();
  }
}
