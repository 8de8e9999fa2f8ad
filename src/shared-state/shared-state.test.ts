import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createMemorySharedState } from './memory-shared-state.js';
import { createRedisSharedState } from './redis-shared-state.js';
import type { BreakerSettings, BudgetCounter, SharedState } from './shared-state.js';

const REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function counter(key: string, limitUsd: number, extra: Partial<BudgetCounter> = {}): BudgetCounter {
  return {
    key,
    limitUsd,
    fallbackUsd: limitUsd * 0.8,
    throttleUsd: limitUsd * 0.95,
    windowEndsAtMs: Date.now() + 3_600_000,
    ...extra,
  };
}

const BREAKER: BreakerSettings = {
  failureRatio: 0.5,
  windowMs: 10_000,
  minRequests: 4,
  cooldownMs: 150,
  halfOpenProbes: 1,
};

/** The same cases against both stores: the Redis Lua must behave exactly like the in-memory code. */
function contract(name: string, open: () => SharedState): void {
  describe(`${name} shared state`, () => {
    const state = open();
    const run = randomUUID();
    const key = (suffix: string): string => `${run}:${suffix}`;
    after(() => state.close());

    it('holds, settles and releases; refuses what does not fit and reports the first refusal once', async () => {
      const budget = [counter(key('basic'), 1)];
      const first = await state.reserveBudget({
        counters: budget,
        amountUsd: 0.4,
        reservationId: 'a',
        leaseMs: 60_000,
        batch: false,
      });
      assert.deepEqual(first, { ok: true, totals: [{ spentUsd: 0, heldUsd: 0.4 }] });
      await state.reserveBudget({
        counters: budget,
        amountUsd: 0.4,
        reservationId: 'b',
        leaseMs: 60_000,
        batch: false,
      });
      const refused = await state.reserveBudget({
        counters: budget,
        amountUsd: 0.4,
        reservationId: 'c',
        leaseMs: 60_000,
        batch: false,
      });
      assert.deepEqual(refused, {
        ok: false,
        index: 0,
        reason: 'limit',
        totals: { spentUsd: 0, heldUsd: 0.8 },
        firstRefusal: true,
      });
      const again = await state.reserveBudget({
        counters: budget,
        amountUsd: 0.4,
        reservationId: 'd',
        leaseMs: 60_000,
        batch: false,
      });
      assert.equal(again.ok === false && again.firstRefusal, false);
      const settled = await state.settleBudget({ counters: budget, reservationId: 'a', actualUsd: 0.1 });
      assert.deepEqual(settled, { totals: [{ spentUsd: 0.1, heldUsd: 0.4 }], crossed: [] });
      await state.releaseBudget({ counters: budget, reservationId: 'b' });
      assert.deepEqual(await state.readBudgets(budget), [{ spentUsd: 0.1, heldUsd: 0 }]);
    });

    it('reports each threshold once per window, in order', async () => {
      const budget = [counter(key('thresholds'), 1)];
      const settle = async (id: string, usd: number) => {
        await state.reserveBudget({
          counters: budget,
          amountUsd: usd,
          reservationId: id,
          leaseMs: 60_000,
          batch: false,
        });
        return (await state.settleBudget({ counters: budget, reservationId: id, actualUsd: usd })).crossed;
      };
      assert.deepEqual(await settle('1', 0.5), []);
      assert.deepEqual(await settle('2', 0.35), [{ index: 0, threshold: 'fallback' }]);
      assert.deepEqual(await settle('3', 0.01), []);
      assert.deepEqual(await settle('4', 0.14), [
        { index: 0, threshold: 'throttle' },
        { index: 0, threshold: 'limit' },
      ]);
    });

    it('refuses batch traffic past the throttle threshold but not interactive traffic', async () => {
      const budget = [counter(key('throttle'), 1, { throttleUsd: 0.5 })];
      await state.reserveBudget({
        counters: budget,
        amountUsd: 0.6,
        reservationId: 'x',
        leaseMs: 60_000,
        batch: false,
      });
      const batch = await state.reserveBudget({
        counters: budget,
        amountUsd: 0.01,
        reservationId: 'y',
        leaseMs: 60_000,
        batch: true,
      });
      assert.equal(batch.ok === false && batch.reason, 'throttle');
      const interactive = await state.reserveBudget({
        counters: budget,
        amountUsd: 0.01,
        reservationId: 'z',
        leaseMs: 60_000,
        batch: false,
      });
      assert.equal(interactive.ok, true);
    });

    it('holds all counters or none', async () => {
      const budgets = [counter(key('wide'), 1), counter(key('narrow'), 0.5)];
      const refused = await state.reserveBudget({
        counters: budgets,
        amountUsd: 0.6,
        reservationId: 'r',
        leaseMs: 60_000,
        batch: false,
      });
      assert.equal(refused.ok === false && refused.index, 1);
      assert.deepEqual(await state.readBudgets(budgets), [
        { spentUsd: 0, heldUsd: 0 },
        { spentUsd: 0, heldUsd: 0 },
      ]);
    });

    it('drops holds whose lease ran out, and settles them as spend all the same', async () => {
      const budget = [counter(key('lease'), 1)];
      await state.reserveBudget({ counters: budget, amountUsd: 0.5, reservationId: 'l', leaseMs: 30, batch: false });
      await sleep(60);
      assert.deepEqual(await state.readBudgets(budget), [{ spentUsd: 0, heldUsd: 0 }]);
      await state.settleBudget({ counters: budget, reservationId: 'l', actualUsd: 0.2 });
      assert.deepEqual(await state.readBudgets(budget), [{ spentUsd: 0.2, heldUsd: 0 }]);
    });

    it('admits exactly as many concurrent holds as fit', async () => {
      const budget = [counter(key('race'), 1)];
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, (_, index) =>
          state.reserveBudget({
            counters: budget,
            amountUsd: 0.01,
            reservationId: `race-${index}`,
            leaseMs: 60_000,
            batch: false,
          }),
        ),
      );
      assert.equal(outcomes.filter((outcome) => outcome.ok).length, 100);
    });

    it('keeps large budgets exact', async () => {
      const budget = [counter(key('large'), 250_000)];
      const held = await state.reserveBudget({
        counters: budget,
        amountUsd: 123_456.789012345,
        reservationId: 'big',
        leaseMs: 60_000,
        batch: false,
      });
      assert.equal(held.ok, true);
      await state.settleBudget({ counters: budget, reservationId: 'big', actualUsd: 100_000.000000001 });
      assert.deepEqual(await state.readBudgets(budget), [{ spentUsd: 100_000.000000001, heldUsd: 0 }]);
    });

    it('takes from token buckets all or nothing and says how long to wait', async () => {
      const rpm = { key: key('rpm'), capacity: 2, refillPerSecond: 1 };
      const tpm = { key: key('tpm'), capacity: 1000, refillPerSecond: 100 };
      const breaker = { key: key('bucket-breaker'), settings: BREAKER };
      const take = (tokens: number) =>
        state.admitAttempt({
          breaker,
          takes: [
            { bucket: rpm, amount: 1 },
            { bucket: tpm, amount: tokens },
          ],
        });
      assert.deepEqual(await take(600), { admitted: true, probe: false });
      const short = await take(600);
      assert.equal(short.admitted, false);
      assert.ok(short.admitted === false && short.reason === 'rate' && short.waitMs > 1_000 && short.waitMs <= 2_000);
      assert.deepEqual(await take(300), { admitted: true, probe: false });
      const empty = await take(1);
      assert.ok(empty.admitted === false && empty.reason === 'rate' && empty.waitMs > 500 && empty.waitMs <= 1_000);
      await state.debitBucket({ bucket: tpm, amount: 5_000 });
      await sleep(1_000);
      const indebted = await take(1);
      assert.ok(indebted.admitted === false && indebted.reason === 'rate' && indebted.waitMs > 8_000);
    });

    it('opens a breaker on the failure ratio, half-opens after the cooldown and closes on a good probe', async () => {
      const breaker = { key: key('breaker'), settings: BREAKER };
      const record = (outcome: 'success' | 'failure' | 'ignored', probe = false) =>
        state.recordOutcome({ key: breaker.key, settings: BREAKER, outcome, probe });
      await record('success');
      await record('ignored');
      await record('failure');
      assert.equal((await record('success')).phase, 'closed', 'three counted requests are below the minimum');
      assert.equal((await record('failure')).phase, 'open');
      const refused = await state.admitAttempt({ breaker, takes: [] });
      assert.ok(refused.admitted === false && refused.reason === 'breaker' && refused.breaker.phase === 'open');
      await sleep(170);
      assert.equal((await state.readBreaker(breaker.key)).phase, 'half-open');
      assert.deepEqual(await state.admitAttempt({ breaker, takes: [] }), { admitted: true, probe: true });
      const second = await state.admitAttempt({ breaker, takes: [] });
      assert.ok(
        second.admitted === false && second.reason === 'breaker' && second.breaker.phase === 'half-open',
        'one probe at a time',
      );
      assert.equal((await record('failure', true)).phase, 'open', 'a failed probe reopens');
      await sleep(170);
      assert.deepEqual(await state.admitAttempt({ breaker, takes: [] }), { admitted: true, probe: true });
      assert.equal((await record('success', true)).phase, 'closed');
      assert.deepEqual(await state.admitAttempt({ breaker, takes: [] }), { admitted: true, probe: false });
    });

    it('counts batched outcomes as many', async () => {
      const key = `${run}:batched`;
      await state.recordOutcome({ key, settings: BREAKER, outcome: 'success', probe: false, count: 5 });
      assert.equal(
        (await state.recordOutcome({ key, settings: BREAKER, outcome: 'failure', probe: false, count: 4 })).phase,
        'closed',
      );
      assert.equal(
        (await state.recordOutcome({ key, settings: BREAKER, outcome: 'failure', probe: false })).phase,
        'open',
      );
    });

    it('limits concurrency slots, wakes waiters on release and lets lapsed leases go', async () => {
      const slots = key('slots');
      let woken = 0;
      const unsubscribe = state.onSlotReleased(slots, () => woken++);
      await sleep(50);
      assert.equal(await state.acquireSlot({ key: slots, limit: 1, holderId: 'a', leaseMs: 60_000 }), true);
      assert.equal(await state.acquireSlot({ key: slots, limit: 1, holderId: 'b', leaseMs: 60_000 }), false);
      await state.releaseSlot({ key: slots, holderId: 'a' });
      for (let tries = 0; woken === 0 && tries < 50; tries++) await sleep(10);
      assert.equal(woken, 1);
      assert.equal(await state.acquireSlot({ key: slots, limit: 1, holderId: 'b', leaseMs: 40 }), true);
      await state.renewSlots({ key: slots, holderIds: ['b'], leaseMs: 40 });
      assert.equal(await state.acquireSlot({ key: slots, limit: 1, holderId: 'c', leaseMs: 60_000 }), false);
      await sleep(70);
      assert.equal(await state.acquireSlot({ key: slots, limit: 1, holderId: 'c', leaseMs: 60_000 }), true);
      unsubscribe();
    });
  });
}

contract('in-memory', () => createMemorySharedState());
contract('Redis', () => createRedisSharedState({ url: REDIS_URL, keyPrefix: `tollgate-test:${randomUUID()}:` }));
