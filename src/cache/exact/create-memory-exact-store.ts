import { LRUCache } from 'lru-cache';
import type { ExactCacheStore } from './exact-cache-store.js';

/** Options for {@link createMemoryExactStore}. */
export interface MemoryExactStoreOptions {
  /** Most entries held; the least recently used go first. */
  maxEntries: number;
  /** Monotonic clock in ms (injectable for tests). */
  now?: () => number;
}

/** An in-process exact-cache store: an LRU bounded in entries, each entry with its own TTL. */
export function createMemoryExactStore<T extends object>(
  options: MemoryExactStoreOptions,
): ExactCacheStore<T> & {
  readonly size: number;
} {
  const cache = new LRUCache<string, T>({
    max: options.maxEntries,
    // Every set passes its own ttl; this default only switches TTL tracking on.
    ttl: 3_600_000,
    // Expired entries are dropped when touched or evicted by the bound; no timer per entry.
    ttlAutopurge: false,
    // Read the clock on every check; lru-cache otherwise reuses one reading for a millisecond.
    ttlResolution: 0,
    ...(options.now === undefined ? {} : { perf: { now: options.now } }),
  });
  return {
    shared: false,
    get size() {
      return cache.size;
    },
    async get(key) {
      return cache.get(key);
    },
    async set(key, value, ttlMs) {
      cache.set(key, value, { ttl: Math.max(1, ttlMs) });
    },
    async clear() {
      cache.clear();
    },
    async close() {},
  };
}
