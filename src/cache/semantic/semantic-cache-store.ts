/** What the local index needs to know about an entry: everything but the cached value. */
export interface SemanticEntryIndexData {
  /** Unique id of the entry. */
  entryId: string;
  /** The scope key (see `createScopeKey`) the entry belongs to. */
  scopeKey: string;
  /** The prompt text the entry answers, for the verifier. */
  text: string;
  /** Unit-length embedding of `text`. */
  vector: Float32Array;
  /** When it was stored (epoch ms). */
  createdAt: number;
  /** When it stops being served (epoch ms). */
  expiresAt: number;
}

/** A stored entry with its cached value. */
export interface SemanticEntryRecord<T> extends SemanticEntryIndexData {
  /** The cached response payload; opaque to the cache. */
  value: T;
}

/** Receives changes made to a store by any instance sharing it. */
export interface SemanticStoreListener {
  /** Whether this instance already indexes an entry (a store can then skip fetching it). */
  has(entryId: string): boolean;
  /** An entry was written (possibly one this instance already knows: must be idempotent). */
  added(entry: SemanticEntryIndexData): void;
  /** Entries were removed (evicted, cleared one by one, or deleted by another instance). */
  removed(entryIds: readonly string[]): void;
  /** Every entry was removed. */
  cleared(): void;
  /** After a reconnect: the full set of live entry ids; anything else known locally is stale. */
  retain(liveEntryIds: ReadonlySet<string>): void;
}

/**
 * Where semantic cache entries live. The cache keeps its own ANN index in memory and treats the
 * store as the source of truth for values: a hit is only served if the store still has the value.
 */
export interface SemanticCacheStore<T> {
  /** Whether other instances see this store's entries (Redis) or only this process (memory). */
  readonly shared: boolean;
  /** Writes an entry. Returns the ids the store dropped to stay within its own bound, if it has one. */
  put(entry: SemanticEntryRecord<T>): Promise<readonly string[]>;
  /** The value of a live entry, or undefined when it has expired or was removed. */
  getValue(entryId: string): Promise<T | undefined>;
  /** Removes entries. */
  remove(entryIds: readonly string[]): Promise<void>;
  /** Removes every entry. */
  clear(): Promise<void>;
  /**
   * Announces every live entry to the listener, then keeps announcing changes made by anyone until
   * {@link close}. Resolves once the initial entries have been announced.
   */
  follow(listener: SemanticStoreListener): Promise<void>;
  /** Stops following and releases connections the store opened itself. */
  close(): Promise<void>;
}
