import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, it } from 'node:test';
import { GatewayError } from '../spec/index.js';
import { BatchCapacity } from './batch-capacity.js';
import { InteractiveLoad } from './interactive-load.js';

function incoming(url: string, headers: Record<string, string> = {}) {
  const response = new EventEmitter();
  return {
    request: { url, headers } as unknown as IncomingMessage,
    response: response as unknown as ServerResponse,
    close: () => response.emit('close'),
  };
}

describe('batch capacity and interactive load', () => {
  it('gives batch work fewer slots while interactive model requests are in flight, down to the floor', () => {
    const load = new InteractiveLoad();
    const capacity = new BatchCapacity(() => Math.max(1, 4 - load.inFlight));
    let rooms = 0;
    capacity.onRoom(() => {
      rooms += 1;
    });
    load.onChange(() => capacity.pump());
    const chats = [1, 2, 3].map(() => incoming('/v1/chat/completions'));
    for (const chat of chats) load.track(chat.request, chat.response);
    // Not interactive: the lane's own lines, its API routes, health checks.
    load.track(incoming('/v1/chat/completions', { 'x-tollgate-priority': 'batch' }).request, incoming('/').response);
    load.track(incoming('/v1/batches').request, incoming('/').response);
    load.track(incoming('/v1/messages/batches').request, incoming('/').response);
    assert.equal(load.inFlight, 3);
    const first = capacity.tryAcquire();
    assert.ok(first, 'the floor: one line keeps running');
    assert.equal(capacity.tryAcquire(), undefined, 'interactive traffic holds the rest');
    for (const chat of chats) chat.close();
    assert.equal(load.inFlight, 0);
    assert.ok(rooms > 0, 'the runner is told that room opened');
    const more = [capacity.tryAcquire(), capacity.tryAcquire(), capacity.tryAcquire()];
    assert.ok(more.every((release) => release !== undefined));
    assert.equal(capacity.tryAcquire(), undefined, 'never more than batch.concurrency');
    first();
    first();
    assert.equal(capacity.inFlight, 3, 'a release counts once');
  });

  it('serves waiting single requests first, in order, and refuses them after the queue timeout', async () => {
    const capacity = new BatchCapacity(() => 1);
    const held = capacity.tryAcquire();
    assert.ok(held);
    const order: string[] = [];
    const a = capacity.acquire({ timeoutMs: 5_000 }).then((release) => {
      order.push('a');
      return release;
    });
    const b = capacity.acquire({ timeoutMs: 5_000 }).then((release) => {
      order.push('b');
      return release;
    });
    assert.equal(capacity.queued, 2);
    held();
    assert.equal(capacity.tryAcquire(), undefined, 'the runner does not jump the queue');
    (await a)();
    (await b)();
    assert.deepEqual(order, ['a', 'b']);
    const blocker = capacity.tryAcquire();
    assert.ok(blocker);
    await assert.rejects(capacity.acquire({ timeoutMs: 20 }), (error) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'rate_limited');
      assert.match(error.message, /batch\.queue_timeout_ms/);
      return true;
    });
    const abort = new AbortController();
    const waiting = capacity.acquire({ timeoutMs: 5_000, signal: abort.signal });
    abort.abort();
    await assert.rejects(waiting, (error) => error instanceof GatewayError && error.code === 'cancelled');
    assert.equal(capacity.queued, 0);
  });
});
