import type { SemanticCacheStore, SemanticEntryRecord } from './semantic-cache-store.js';

/**
 * The in-process store: values in a map beside the index. It is bounded by the cache, which
 * removes from it every entry its index evicts or finds expired; `now` is the cache's clock.
 */
export function createMemorySemanticStore<T>(options: { now?: () => number } = {}): SemanticCacheStore<T> {
  const now = options.now ?? Date.now;
  const values = new Map<string, { value: T; expiresAt: number }>();
  return {
    shared: false,
    async put(entry: SemanticEntryRecord<T>) {
      values.set(entry.entryId, { value: entry.value, expiresAt: entry.expiresAt });
      return [];
    },
    async getValue(entryId) {
      const found = values.get(entryId);
      if (found === undefined) return undefined;
      if (found.expiresAt <= now()) {
        values.delete(entryId);
        return undefined;
      }
      return found.value;
    },
    async remove(entryIds) {
      for (const entryId of entryIds) values.delete(entryId);
    },
    async clear() {
      values.clear();
    },
    // Nothing outside this process writes here, and the cache indexes its own writes directly.
    async follow() {},
    async close() {
      values.clear();
    },
  };
}
