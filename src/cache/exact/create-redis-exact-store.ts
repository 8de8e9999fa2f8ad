import type { Redis } from 'ioredis';
import type { ExactCacheStore } from './exact-cache-store.js';

/** Options for {@link createRedisExactStore}. */
export interface RedisExactStoreOptions {
  /** A connected ioredis client; the caller owns it (the store does not close it). */
  redis: Redis;
  /** Prefix of every key, e.g. `tollgate:cache:`. */
  keyPrefix: string;
}

/** A prefix may contain glob characters; SCAN MATCH must see them literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (character) => `\\${character}`);
}

/**
 * An exact-cache store shared by gateway instances: one Redis string per entry, JSON, written with
 * `SET … PX ttl` so Redis expires it. Its size is bounded by the TTL and by the server's own
 * `maxmemory-policy` (use `allkeys-lru` or `volatile-lru` for a cache).
 */
export function createRedisExactStore<T>(options: RedisExactStoreOptions): ExactCacheStore<T> {
  const { redis, keyPrefix } = options;
  return {
    shared: true,
    async get(key) {
      const encoded = await redis.get(keyPrefix + key);
      return encoded === null ? undefined : (JSON.parse(encoded) as T);
    },
    async set(key, value, ttlMs) {
      await redis.set(keyPrefix + key, JSON.stringify(value), 'PX', Math.max(1, Math.ceil(ttlMs)));
    },
    async clear() {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(keyPrefix)}exact:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    },
    async close() {},
  };
}
