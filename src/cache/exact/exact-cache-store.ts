/**
 * Where exact-cache entries live: in-process (bounded LRU) or Redis (shared by gateway instances).
 * Values are plain JSON-serialisable data; every entry has its own time to live.
 */
export interface ExactCacheStore<T> {
  /** Whether other gateway instances see this store's entries. */
  readonly shared: boolean;
  /** The live value under a key, or undefined when absent or expired. */
  get(key: string): Promise<T | undefined>;
  /** Stores a value for `ttlMs` milliseconds, replacing any earlier one. */
  set(key: string, value: T, ttlMs: number): Promise<void>;
  /** Removes every entry of this store. */
  clear(): Promise<void>;
  /** Releases connections the store opened itself. */
  close(): Promise<void>;
}
