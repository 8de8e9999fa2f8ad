import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMemoryExactStore } from './create-memory-exact-store.js';

describe('createMemoryExactStore', () => {
  it('serves an entry until its own TTL passes (injected clock)', async () => {
    let now = 1_000;
    const store = createMemoryExactStore<{ answer: string }>({ maxEntries: 10, now: () => now });
    await store.set('short', { answer: 'a' }, 5_000);
    await store.set('long', { answer: 'b' }, 60_000);
    now += 4_999;
    assert.deepEqual(await store.get('short'), { answer: 'a' });
    now += 2;
    assert.equal(await store.get('short'), undefined);
    assert.deepEqual(await store.get('long'), { answer: 'b' });
    now += 60_000;
    assert.equal(await store.get('long'), undefined);
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const store = createMemoryExactStore<{ n: number }>({ maxEntries: 3 });
    for (let n = 0; n < 3; n++) await store.set(`k${n}`, { n }, 60_000);
    assert.deepEqual(await store.get('k0'), { n: 0 }, 'touching k0 makes k1 the oldest');
    await store.set('k3', { n: 3 }, 60_000);
    assert.equal(store.size, 3);
    assert.equal(await store.get('k1'), undefined);
    assert.deepEqual(await store.get('k0'), { n: 0 });
    assert.deepEqual(await store.get('k3'), { n: 3 });
    await store.clear();
    assert.equal(store.size, 0);
  });
});
