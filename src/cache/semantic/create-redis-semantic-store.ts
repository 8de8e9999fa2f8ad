import type { Redis } from 'ioredis';
import type { SemanticCacheStore, SemanticEntryIndexData, SemanticStoreListener } from './semantic-cache-store.js';

/** Options for {@link createRedisSemanticStore}. */
export interface RedisSemanticStoreOptions<T> {
  /** A connected ioredis client for commands; the store duplicates it for its subscription. */
  redis: Redis;
  /** Prefix of every key and of the channel, e.g. `tollgate:semantic:`. */
  keyPrefix?: string;
  /** Most entries in Redis; past it the entries nearest to expiry go first. */
  maxEntries?: number;
  /** Turns a value into a string and back (JSON by default). */
  encodeValue?: (value: T) => string;
  decodeValue?: (encoded: string) => T;
  /** Clock for the expiry scores (epoch ms). */
  now?: () => number;
}

// Writes the entry, its expiry and its place in the index set, trims the set to the bound (expired
// members first, then those nearest to expiry) and tells every instance — all in one atomic step.
const PUT_SCRIPT = `
redis.call('HSET', KEYS[1], 'scope', ARGV[2], 'text', ARGV[3], 'vector', ARGV[4], 'value', ARGV[5], 'createdAt', ARGV[6], 'expiresAt', ARGV[7])
redis.call('PEXPIRE', KEYS[1], ARGV[8])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[7], ARGV[1])
local evicted = {}
local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[9])
if excess > 0 then
  -- At most 1000 per write keeps unpack() within Lua's stack after the bound is lowered; later writes trim the rest.
  evicted = redis.call('ZRANGE', KEYS[2], 0, math.min(excess, 1000) - 1)
  for _, id in ipairs(evicted) do redis.call('DEL', ARGV[10] .. id) end
  redis.call('ZREM', KEYS[2], unpack(evicted))
end
redis.call('PUBLISH', ARGV[11], cjson.encode({type = 'add', id = ARGV[1]}))
if #evicted > 0 then redis.call('PUBLISH', ARGV[11], cjson.encode({type = 'remove', ids = evicted})) end
return evicted
`;

type StoreEvent = { type: 'add'; id: string } | { type: 'remove'; ids: string[] } | { type: 'clear' };

const INDEX_FIELDS = ['scope', 'text', 'vector', 'createdAt', 'expiresAt'] as const;

/**
 * A semantic cache store shared by gateway instances through Redis.
 *
 * Layout under the prefix: `entry:<id>` is a hash (scope, text, float32 vector, encoded value,
 * times) with a Redis TTL; `entries` is a sorted set of ids by expiry that bounds the size; the
 * `events` channel carries add / remove / clear notices.
 *
 * Each instance keeps its own ANN index in step by pub/sub rather than keyspace notifications:
 * notifications need `notify-keyspace-events` set on the server (often not allowed on managed
 * Redis), fire per field write, and carry no ids for evictions we decide ourselves. Expiry needs no
 * message at all — every instance knows each entry's expiry and drops it locally. Pub/sub is
 * fire-and-forget, so a message lost while disconnected is healed two ways: on every reconnect the
 * instance re-reads the index set and drops what is gone, and a hit is only served after the value
 * is read back from Redis, so a stale local entry turns into a miss, never a wrong answer.
 */
export function createRedisSemanticStore<T>(options: RedisSemanticStoreOptions<T>): SemanticCacheStore<T> {
  const redis = options.redis;
  const prefix = options.keyPrefix ?? 'tollgate:semantic:';
  const maxEntries = options.maxEntries ?? 100_000;
  const encodeValue = options.encodeValue ?? ((value: T) => JSON.stringify(value));
  const decodeValue = options.decodeValue ?? ((encoded: string) => JSON.parse(encoded) as T);
  const now = options.now ?? Date.now;
  const setKey = `${prefix}entries`;
  const channel = `${prefix}events`;
  const entryKey = (entryId: string) => `${prefix}entry:${entryId}`;
  let subscriber: Redis | undefined;

  async function readIndexData(entryIds: readonly string[]): Promise<SemanticEntryIndexData[]> {
    const found: SemanticEntryIndexData[] = [];
    for (let start = 0; start < entryIds.length; start += 256) {
      const batch = entryIds.slice(start, start + 256);
      const pipeline = redis.pipeline();
      for (const entryId of batch) pipeline.hmgetBuffer(entryKey(entryId), ...INDEX_FIELDS);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, reply], index) => {
        const fields = reply as (Buffer | null)[] | null;
        if (error !== null || fields === null) return;
        const [scope, text, vector, createdAt, expiresAt] = fields;
        if (!scope || !text || !vector || !createdAt || !expiresAt) return;
        // Copy: the reply buffer may be a view into a larger pooled buffer at any byte offset.
        const floats = new Float32Array(vector.byteLength / 4);
        new Uint8Array(floats.buffer).set(vector);
        found.push({
          entryId: batch[index] as string,
          scopeKey: scope.toString(),
          text: text.toString(),
          vector: floats,
          createdAt: Number(createdAt.toString()),
          expiresAt: Number(expiresAt.toString()),
        });
      });
    }
    return found;
  }

  async function announceAll(listener: SemanticStoreListener): Promise<void> {
    const liveIds = await redis.zrangebyscore(setKey, `(${now()}`, '+inf');
    const entries = await readIndexData(liveIds);
    listener.retain(new Set(entries.map((entry) => entry.entryId)));
    for (const entry of entries) listener.added(entry);
  }

  return {
    shared: true,
    async put(entry) {
      const vector = Buffer.from(entry.vector.buffer, entry.vector.byteOffset, entry.vector.byteLength);
      const ttlMs = Math.max(1, Math.ceil(entry.expiresAt - entry.createdAt));
      const evicted = (await redis.eval(
        PUT_SCRIPT,
        2,
        entryKey(entry.entryId),
        setKey,
        entry.entryId,
        entry.scopeKey,
        entry.text,
        vector,
        encodeValue(entry.value),
        String(entry.createdAt),
        String(entry.expiresAt),
        String(ttlMs),
        String(maxEntries),
        `${prefix}entry:`,
        channel,
      )) as string[];
      return evicted;
    },
    async getValue(entryId) {
      const encoded = await redis.hget(entryKey(entryId), 'value');
      return encoded === null ? undefined : decodeValue(encoded);
    },
    async remove(entryIds) {
      if (entryIds.length === 0) return;
      await redis
        .multi()
        .del(...entryIds.map(entryKey))
        .zrem(setKey, ...entryIds)
        .publish(channel, JSON.stringify({ type: 'remove', ids: [...entryIds] } satisfies StoreEvent))
        .exec();
    },
    async clear() {
      const ids = await redis.zrange(setKey, 0, '-1');
      for (let start = 0; start < ids.length; start += 1000) {
        await redis.del(...ids.slice(start, start + 1000).map(entryKey));
      }
      await redis.del(setKey);
      await redis.publish(channel, JSON.stringify({ type: 'clear' } satisfies StoreEvent));
    },
    async follow(listener) {
      if (subscriber !== undefined) throw new Error('This Redis semantic store is already followed.');
      const connection = redis.duplicate();
      subscriber = connection;
      // An add is fetched on the main connection while removes arrive on this one: an entry evicted
      // while its fetch was in flight must not come back when the fetch lands.
      const fetching = new Map<string, { removed: boolean }>();
      connection.on('message', (_channel: string, message: string) => {
        let event: StoreEvent;
        try {
          event = JSON.parse(message) as StoreEvent;
        } catch {
          return;
        }
        if (event.type === 'add') {
          // Our own writes come back too; the writer indexed them already.
          if (listener.has(event.id) || fetching.has(event.id)) return;
          const fetch = { removed: false };
          fetching.set(event.id, fetch);
          void readIndexData([event.id])
            .then(
              (entries) => {
                if (fetch.removed) return;
                for (const entry of entries) listener.added(entry);
              },
              () => undefined,
            )
            .finally(() => fetching.delete(event.id));
        } else if (event.type === 'remove') {
          for (const id of event.ids) {
            const fetch = fetching.get(id);
            if (fetch) fetch.removed = true;
          }
          listener.removed(event.ids);
        } else {
          for (const fetch of fetching.values()) fetch.removed = true;
          listener.cleared();
        }
      });
      await connection.subscribe(channel);
      // Subscribe before the snapshot: an entry written in between arrives twice, and added() is idempotent.
      await announceAll(listener);
      // The connection is ready by now, so 'ready' only fires again after a reconnect: resync then.
      connection.on('ready', () => {
        void announceAll(listener).catch(() => undefined);
      });
    },
    async close() {
      const connection = subscriber;
      subscriber = undefined;
      if (connection !== undefined) await connection.quit().catch(() => connection.disconnect());
    },
  };
}
