import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadRedisClass } from './load-ioredis.js';
import { GatewayError } from '../spec/index.js';
import { probeLeaseMs } from './breaker-record.js';
import { WINDOW_GRACE_MS } from './memory-shared-state.js';
import { READ_SCRIPT, RELEASE_SCRIPT, RESERVE_SCRIPT, SETTLE_SCRIPT } from './redis-budget-scripts.js';
import {
  ACQUIRE_SLOT_SCRIPT,
  ADMIT_SCRIPT,
  DEBIT_SCRIPT,
  READ_BREAKER_SCRIPT,
  RECORD_SCRIPT,
  RELEASE_SLOT_SCRIPT,
  RENEW_SLOTS_SCRIPT,
} from './redis-limiter-scripts.js';
import {
  type BreakerPhase,
  type BreakerState,
  type BudgetCounter,
  type BudgetThreshold,
  type BudgetTotals,
  fromNanoUsd,
  type SettleOutcome,
  type SharedState,
  toNanoUsd,
} from './shared-state.js';

/** Options for {@link createRedisSharedState}. */
export interface RedisSharedStateOptions {
  /** `redis://` or `rediss://` URL. */
  url: string;
  /** Prefix of every key (e.g. `tollgate:`), so that several deployments or tests can share a Redis. */
  keyPrefix: string;
  /** Called with connection errors (ioredis reconnects by itself). */
  onError?: (error: Error) => void;
}

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = {
  reserve: script(RESERVE_SCRIPT),
  settle: script(SETTLE_SCRIPT),
  release: script(RELEASE_SCRIPT),
  read: script(READ_SCRIPT),
  admit: script(ADMIT_SCRIPT),
  record: script(RECORD_SCRIPT),
  readBreaker: script(READ_BREAKER_SCRIPT),
  debit: script(DEBIT_SCRIPT),
  acquireSlot: script(ACQUIRE_SLOT_SCRIPT),
  renewSlots: script(RENEW_SLOTS_SCRIPT),
  releaseSlot: script(RELEASE_SLOT_SCRIPT),
};

const PHASES: BreakerPhase[] = ['closed', 'open', 'half-open'];
const THRESHOLDS: BudgetThreshold[] = ['fallback', 'throttle', 'limit'];

function numbers(reply: unknown): number[] {
  if (!Array.isArray(reply)) throw new Error(`unexpected Redis reply ${String(reply)}`);
  return reply.map((value) => Number(value));
}

function at(values: number[], index: number): number {
  return values[index] ?? 0;
}

function breakerState(values: number[]): BreakerState {
  return { phase: PHASES[at(values, 0)] ?? 'closed', retryInMs: at(values, 1) };
}

function totalsAt(values: number[], index: number): BudgetTotals {
  return { spentUsd: fromNanoUsd(at(values, index)), heldUsd: fromNanoUsd(at(values, index + 1)) };
}

/**
 * Shared state in Redis: every operation is one Lua script (atomic on the server), sent with
 * EVALSHA and auto-pipelined, so concurrent requests on several gateways cost one round trip each.
 * A Redis outage surfaces as a GatewayError `internal` naming Redis, never as a silent pass.
 */
export function createRedisSharedState(options: RedisSharedStateOptions): SharedState {
  // While Redis is down a request should fail in a fraction of a second, not queue for many.
  const redis = new (loadRedisClass())(options.url, {
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    commandTimeout: 2_000,
  });
  redis.on('error', (error: Error) => options.onError?.(error));
  let subscriber: Redis | undefined;
  const listeners = new Map<string, Set<() => void>>();
  const prefix = options.keyPrefix;
  const slotChannel = `${prefix}slot-released`;

  const run = async (which: Script, keys: string[], args: (string | number)[]): Promise<unknown> => {
    try {
      try {
        return await redis.evalsha(which.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
        return await redis.eval(which.source, keys.length, ...keys, ...args);
      }
    } catch (error) {
      throw new GatewayError({
        code: 'internal',
        message: `Shared state (Redis) failed: ${error instanceof Error ? error.message : String(error)}`,
        cause: error,
      });
    }
  };

  const counterKeys = (counters: readonly BudgetCounter[]): string[] =>
    counters.flatMap((counter) => [`${prefix}budget:${counter.key}`, `${prefix}budget:${counter.key}:leases`]);
  const expireAt = (counter: BudgetCounter): number => Math.ceil(counter.windowEndsAtMs + WINDOW_GRACE_MS);
  const bucketKey = (key: string): string => `${prefix}bucket:${key}`;
  const breakerKey = (key: string): string => `${prefix}breaker:${key}`;
  const slotKey = (key: string): string => `${prefix}slots:${key}`;

  return {
    kind: 'redis',

    async reserveBudget(input) {
      const args: (string | number)[] = [
        toNanoUsd(input.amountUsd),
        input.reservationId,
        Math.ceil(input.leaseMs),
        input.batch ? 1 : 0,
      ];
      for (const counter of input.counters) {
        args.push(toNanoUsd(counter.limitUsd), toNanoUsd(counter.throttleUsd), expireAt(counter));
      }
      const reply = numbers(await run(SCRIPTS.reserve, counterKeys(input.counters), args));
      if (at(reply, 0) === 1) {
        return { ok: true, totals: input.counters.map((_, index) => totalsAt(reply, 1 + 2 * index)) };
      }
      return {
        ok: false,
        index: at(reply, 1),
        reason: at(reply, 2) === 2 ? 'throttle' : 'limit',
        totals: totalsAt(reply, 3),
        firstRefusal: at(reply, 5) === 1,
      };
    },

    async settleBudget(input) {
      const args: (string | number)[] = [input.reservationId, toNanoUsd(input.actualUsd)];
      for (const counter of input.counters) {
        args.push(
          toNanoUsd(counter.fallbackUsd),
          toNanoUsd(counter.throttleUsd),
          toNanoUsd(counter.limitUsd),
          expireAt(counter),
        );
      }
      const reply = numbers(await run(SCRIPTS.settle, counterKeys(input.counters), args));
      const count = input.counters.length;
      const outcome: SettleOutcome = {
        totals: input.counters.map((_, index) => totalsAt(reply, 2 * index)),
        crossed: [],
      };
      const crossings = at(reply, 2 * count);
      for (let crossing = 0; crossing < crossings; crossing++) {
        const base = 2 * count + 1 + 2 * crossing;
        outcome.crossed.push({ index: at(reply, base), threshold: THRESHOLDS[at(reply, base + 1) - 1] ?? 'limit' });
      }
      return outcome;
    },

    async releaseBudget(input) {
      await run(SCRIPTS.release, counterKeys(input.counters), [input.reservationId]);
    },

    async readBudgets(counters) {
      if (counters.length === 0) return [];
      const reply = numbers(await run(SCRIPTS.read, counterKeys(counters), []));
      return counters.map((_, index) => totalsAt(reply, 2 * index));
    },

    async admitAttempt(input) {
      const keys = [breakerKey(input.breaker.key), ...input.takes.map((take) => bucketKey(take.bucket.key))];
      const args: number[] = [input.breaker.settings.halfOpenProbes, probeLeaseMs(input.breaker.settings)];
      for (const take of input.takes) args.push(take.bucket.capacity, take.bucket.refillPerSecond, take.amount);
      const reply = numbers(await run(SCRIPTS.admit, keys, args));
      if (at(reply, 0) === 1) return { admitted: true, probe: at(reply, 1) === 1 };
      if (at(reply, 1) === 2) return { admitted: false, reason: 'rate', waitMs: at(reply, 2) };
      return {
        admitted: false,
        reason: 'breaker',
        breaker: { phase: at(reply, 2) === 1 ? 'open' : 'half-open', retryInMs: at(reply, 3) },
      };
    },

    async recordOutcome(input) {
      const { settings } = input;
      const outcome = input.outcome === 'success' ? 's' : input.outcome === 'failure' ? 'f' : 'i';
      const reply = await run(
        SCRIPTS.record,
        [breakerKey(input.key)],
        [
          outcome,
          input.probe ? 1 : 0,
          settings.failureRatio,
          settings.windowMs,
          settings.minRequests,
          settings.cooldownMs,
          Math.max(1, input.count ?? 1),
        ],
      );
      return breakerState(numbers(reply));
    },

    async debitBucket(input) {
      const { bucket } = input;
      await run(SCRIPTS.debit, [bucketKey(bucket.key)], [bucket.capacity, bucket.refillPerSecond, input.amount]);
    },

    async readBreaker(key) {
      return breakerState(numbers(await run(SCRIPTS.readBreaker, [breakerKey(key)], [])));
    },

    async acquireSlot(input) {
      const reply = await run(
        SCRIPTS.acquireSlot,
        [slotKey(input.key)],
        [input.limit, input.holderId, Math.ceil(input.leaseMs)],
      );
      return Number(reply) === 1;
    },

    async renewSlots(input) {
      if (input.holderIds.length === 0) return;
      await run(SCRIPTS.renewSlots, [slotKey(input.key)], [Math.ceil(input.leaseMs), ...input.holderIds]);
    },

    async releaseSlot(input) {
      await run(SCRIPTS.releaseSlot, [slotKey(input.key)], [input.holderId, slotChannel, input.key]);
    },

    onSlotReleased(key, listener) {
      if (!subscriber) {
        subscriber = redis.duplicate();
        subscriber.on('error', (error: Error) => options.onError?.(error));
        subscriber.on('message', (_channel: string, releasedKey: string) => {
          for (const notify of listeners.get(releasedKey) ?? []) notify();
        });
        void subscriber.subscribe(slotChannel).catch((error: unknown) => {
          options.onError?.(error instanceof Error ? error : new Error(String(error)));
        });
      }
      let set = listeners.get(key);
      if (!set) {
        set = new Set();
        listeners.set(key, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },

    async ping() {
      if (redis.status !== 'ready') return false;
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },

    async close() {
      await Promise.allSettled([redis.quit(), subscriber?.quit()]);
    },
  };
}
