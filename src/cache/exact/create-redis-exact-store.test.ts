import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createRedisExactStore } from './create-redis-exact-store.js';

const REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('createRedisExactStore (real Redis)', () => {
  let redis: Redis;
  const keyPrefix = `tollgate-test:${randomUUID()}:`;
  before(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
  });
  after(async () => {
    const keys = await redis.keys(`${keyPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('stores JSON under the prefix with a Redis TTL, shared by every client', async () => {
    const store = createRedisExactStore<{ text: string }>({ redis, keyPrefix });
    await store.set('exact:v1:abc', { text: 'cached' }, 30_000);
    const ttl = await redis.pttl(`${keyPrefix}exact:v1:abc`);
    assert.ok(ttl > 29_000 && ttl <= 30_000, `pttl ${ttl}`);
    const other = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      const seen = createRedisExactStore<{ text: string }>({ redis: other, keyPrefix });
      assert.deepEqual(await seen.get('exact:v1:abc'), { text: 'cached' });
      assert.equal(await seen.get('exact:v1:missing'), undefined);
    } finally {
      await other.quit();
    }
  });

  it('lets Redis expire entries and clears only its own prefix', async () => {
    const store = createRedisExactStore<{ n: number }>({ redis, keyPrefix });
    await store.set('exact:v1:brief', { n: 1 }, 40);
    await new Promise((resolve) => setTimeout(resolve, 80));
    assert.equal(await store.get('exact:v1:brief'), undefined);
    const neighbour = `tollgate-test:${randomUUID()}:exact:v1:kept`;
    await redis.set(neighbour, '{}', 'PX', 10_000);
    await store.set('exact:v1:one', { n: 1 }, 10_000);
    await store.clear();
    assert.equal(await store.get('exact:v1:one'), undefined);
    assert.equal(await redis.get(neighbour), '{}');
    await redis.del(neighbour);
  });
});
