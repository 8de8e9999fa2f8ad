import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createHashingEmbedder } from './__fixtures__/create-hashing-embedder.js';
import { createRedisSemanticStore } from './create-redis-semantic-store.js';
import type { SemanticScope } from './create-scope-key.js';
import { SemanticCache } from './semantic-cache.js';

const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const scope: SemanticScope = { tenant: 'acme', modelTier: 'fast', systemPrompt: 'Be brief.' };
const question = 'how long should I boil an egg for a soft yolk in the morning';

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('Redis semantic store shared by two SemanticCache instances', () => {
  const prefix = `tollgate-test:semantic:${randomUUID()}:`;
  const connections: Redis[] = [];
  const caches: SemanticCache<{ text: string }>[] = [];

  function connect(): Redis {
    // Fail fast rather than retry forever: the test must fail, not hang, when Redis is down.
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
    connections.push(redis);
    return redis;
  }

  function openCache(maxEntries = 100): SemanticCache<{ text: string }> {
    const cache = new SemanticCache<{ text: string }>({
      embedder: createHashingEmbedder(),
      store: createRedisSemanticStore({ redis: connect(), keyPrefix: prefix, maxEntries }),
    });
    caches.push(cache);
    return cache;
  }

  before(async () => {
    await connect().ping();
  });

  after(async () => {
    for (const cache of caches) await cache.close();
    const cleanup = connections[0];
    if (cleanup !== undefined) {
      const keys = await cleanup.keys(`${prefix}*`);
      if (keys.length > 0) await cleanup.del(...keys);
    }
    for (const redis of connections) redis.disconnect();
  });

  it('serves on one instance what another stored, and loads existing entries when an instance starts', async () => {
    const first = openCache();
    const second = openCache();
    await Promise.all([first.whenReady(), second.whenReady()]);
    await first.store({ scope, text: question, value: { text: 'Six and a half minutes.' }, ttlMs: 60_000 });
    await eventually(async () => second.size === 1, 'the second instance to index the entry');
    const hit = await second.lookup({ scope, text: question });
    assert.equal(hit.hit, true);
    assert.deepEqual(hit.hit ? hit.value : undefined, { text: 'Six and a half minutes.' });

    const late = openCache();
    await late.whenReady();
    assert.equal(late.size, 1);
    assert.equal((await late.lookup({ scope, text: question })).hit, true);
    assert.equal((await late.lookup({ scope: { ...scope, tenant: 'other' }, text: question })).hit, false);
  });

  it('propagates a clear to every instance, and keeps vectors, values and TTL in Redis', async () => {
    const first = openCache();
    const second = openCache();
    await Promise.all([first.whenReady(), second.whenReady()]);
    await first.clear();
    await eventually(async () => second.size === 0, 'the second instance to start empty');
    await first.store({
      scope,
      text: 'what is the boiling point of water at sea level',
      value: { text: '100 C' },
      ttlMs: 30_000,
    });
    await eventually(async () => second.size >= 1, 'the entry to reach the second instance');
    const redis = connections[0] as Redis;
    const [entryKey] = await redis.keys(`${prefix}entry:*`);
    assert.ok(entryKey !== undefined);
    const ttl = await redis.pttl(entryKey);
    assert.ok(ttl > 0 && ttl <= 30_000, `TTL in Redis was ${ttl}`);
    const vector = await redis.hgetBuffer(entryKey, 'vector');
    assert.equal(vector?.byteLength, 128 * 4);

    await second.clear();
    await eventually(async () => first.size === 0, 'the clear to reach the first instance');
    assert.equal((await first.lookup({ scope, text: question })).hit, false);
    assert.equal((await redis.keys(`${prefix}entry:*`)).length, 0);
  });

  it('bounds the entries in Redis and tells the other instances what it evicted', async () => {
    const writer = openCache(2);
    const reader = openCache(2);
    await Promise.all([writer.whenReady(), reader.whenReady()]);
    await writer.clear();
    const texts = ['red apples grow on trees', 'blue whales swim in oceans', 'green frogs jump near ponds'];
    for (const [index, text] of texts.entries()) {
      await writer.store({ scope, text, value: { text }, ttlMs: 60_000 + index * 1000 });
    }
    const redis = connections[0] as Redis;
    assert.equal(await redis.zcard(`${prefix}entries`), 2);
    await eventually(async () => reader.size === 2, 'the reader to drop the evicted entry');
    assert.equal((await reader.lookup({ scope, text: texts[0] as string })).hit, false);
    assert.equal((await reader.lookup({ scope, text: texts[2] as string })).hit, true);
  });

  it('turns a local entry whose value is gone from Redis into a miss, never an error', async () => {
    const cache = openCache();
    await cache.whenReady();
    await cache.store({ scope, text: 'which planet has the most moons right now', value: { text: 'Saturn' } });
    const redis = connections[0] as Redis;
    for (const key of await redis.keys(`${prefix}entry:*`)) await redis.del(key);
    const result = await cache.lookup({ scope, text: 'which planet has the most moons right now' });
    assert.equal(result.hit, false);
    assert.equal(result.hit ? '' : result.reason, 'stale');
  });
});
