import {
  admitThroughBreaker,
  type BreakerRecord,
  breakerStateOf,
  newBreakerRecord,
  recordBreakerOutcome,
} from './breaker-record.js';
import {
  type AdmitInput,
  type AdmitOutcome,
  type BreakerState,
  type BucketSpec,
  type BudgetCounter,
  type BudgetThreshold,
  type BudgetTotals,
  fromNanoUsd,
  type RecordOutcomeInput,
  type ReserveInput,
  type ReserveOutcome,
  type SettleInput,
  type SettleOutcome,
  type SharedState,
  toNanoUsd,
} from './shared-state.js';
import { type BucketLevel, bucketWaitMs, refilledTokens } from './token-bucket.js';

/** A counter in nano-dollars, with its holds and the thresholds already reported this window. */
interface CounterRecord {
  spent: number;
  held: number;
  holds: Map<string, { amount: number; expiresAtMs: number }>;
  reported: Set<BudgetThreshold>;
  expiresAtMs: number;
}

/** Counters of past windows are dropped this long after the window ends (late settles still land). */
export const WINDOW_GRACE_MS = 60 * 60_000;

const SWEEP_INTERVAL_MS = 60_000;

/** Options for {@link createMemorySharedState}. */
export interface MemorySharedStateOptions {
  /** Clock in epoch ms (tests move it). */
  now?: () => number;
}

/**
 * Shared state for a single gateway process. JavaScript runs one callback at a time, so each method
 * is atomic without locks; the semantics match the Redis store exactly (same integer units, same
 * breaker and bucket functions).
 */
export function createMemorySharedState(options: MemorySharedStateOptions = {}): SharedState {
  const now = options.now ?? Date.now;
  const counters = new Map<string, CounterRecord>();
  const breakers = new Map<string, BreakerRecord>();
  const buckets = new Map<string, BucketLevel>();
  const slots = new Map<string, Map<string, number>>();
  const listeners = new Map<string, Set<() => void>>();
  let lastSweepMs = now();

  const sweep = (at: number): void => {
    if (at - lastSweepMs < SWEEP_INTERVAL_MS) return;
    lastSweepMs = at;
    for (const [key, record] of counters) if (record.expiresAtMs <= at) counters.delete(key);
  };

  const counterOf = (counter: BudgetCounter, at: number): CounterRecord => {
    sweep(at);
    let record = counters.get(counter.key);
    if (!record || record.expiresAtMs <= at) {
      record = { spent: 0, held: 0, holds: new Map(), reported: new Set(), expiresAtMs: 0 };
      counters.set(counter.key, record);
    }
    record.expiresAtMs = counter.windowEndsAtMs + WINDOW_GRACE_MS;
    for (const [id, hold] of record.holds) {
      if (hold.expiresAtMs <= at) {
        record.held -= hold.amount;
        record.holds.delete(id);
      }
    }
    return record;
  };

  const totals = (record: CounterRecord): BudgetTotals => ({
    spentUsd: fromNanoUsd(record.spent),
    heldUsd: fromNanoUsd(record.held),
  });

  const breakerOf = (key: string): BreakerRecord => {
    let record = breakers.get(key);
    if (!record) {
      record = newBreakerRecord();
      breakers.set(key, record);
    }
    return record;
  };

  const purgeSlots = (key: string, at: number): Map<string, number> => {
    let holders = slots.get(key);
    if (!holders) {
      holders = new Map();
      slots.set(key, holders);
    }
    for (const [holder, expiresAtMs] of holders) if (expiresAtMs <= at) holders.delete(holder);
    return holders;
  };

  return {
    kind: 'memory',

    async reserveBudget(input: ReserveInput): Promise<ReserveOutcome> {
      const at = now();
      const amount = toNanoUsd(input.amountUsd);
      const records = input.counters.map((counter) => counterOf(counter, at));
      for (const [index, record] of records.entries()) {
        const counter = input.counters[index] as BudgetCounter;
        const used = record.spent + record.held;
        let reason: 'limit' | 'throttle' | undefined;
        if (input.batch && used >= toNanoUsd(counter.throttleUsd)) reason = 'throttle';
        else if (used + amount > toNanoUsd(counter.limitUsd)) reason = 'limit';
        if (reason) {
          const firstRefusal = reason === 'limit' && !record.reported.has('limit');
          if (firstRefusal) record.reported.add('limit');
          return { ok: false, index, reason, totals: totals(record), firstRefusal };
        }
      }
      for (const record of records) {
        record.held += amount;
        record.holds.set(input.reservationId, { amount, expiresAtMs: at + input.leaseMs });
      }
      return { ok: true, totals: records.map(totals) };
    },

    async settleBudget(input: SettleInput): Promise<SettleOutcome> {
      const at = now();
      const actual = toNanoUsd(input.actualUsd);
      const outcome: SettleOutcome = { totals: [], crossed: [] };
      for (const [index, counter] of input.counters.entries()) {
        const record = counterOf(counter, at);
        const hold = record.holds.get(input.reservationId);
        if (hold) {
          record.held -= hold.amount;
          record.holds.delete(input.reservationId);
        }
        record.spent += actual;
        const thresholds: [BudgetThreshold, number][] = [
          ['fallback', counter.fallbackUsd],
          ['throttle', counter.throttleUsd],
          ['limit', counter.limitUsd],
        ];
        for (const [threshold, usd] of thresholds) {
          if (record.spent >= toNanoUsd(usd) && !record.reported.has(threshold)) {
            record.reported.add(threshold);
            outcome.crossed.push({ index, threshold });
          }
        }
        outcome.totals.push(totals(record));
      }
      return outcome;
    },

    async releaseBudget(input): Promise<void> {
      const at = now();
      for (const counter of input.counters) {
        const record = counterOf(counter, at);
        const hold = record.holds.get(input.reservationId);
        if (!hold) continue;
        record.held -= hold.amount;
        record.holds.delete(input.reservationId);
      }
    },

    async readBudgets(list): Promise<BudgetTotals[]> {
      const at = now();
      return list.map((counter) => {
        const record = counters.get(counter.key);
        return record && record.expiresAtMs > at ? totals(counterOf(counter, at)) : { spentUsd: 0, heldUsd: 0 };
      });
    },

    async admitAttempt(input: AdmitInput): Promise<AdmitOutcome> {
      const at = now();
      const record = breakerOf(input.breaker.key);
      const gate = admitThroughBreaker({ record, settings: input.breaker.settings, nowMs: at });
      if (!gate.outcome.admitted) return gate.outcome;
      let waitMs = 0;
      const levels = input.takes.map(({ bucket, amount }) => {
        const tokens = refilledTokens({
          level: buckets.get(bucket.key),
          capacity: bucket.capacity,
          refillPerSecond: bucket.refillPerSecond,
          nowMs: at,
        });
        waitMs = Math.max(
          waitMs,
          bucketWaitMs({
            available: tokens,
            amount,
            capacity: bucket.capacity,
            refillPerSecond: bucket.refillPerSecond,
          }),
        );
        return tokens;
      });
      if (waitMs > 0) return { admitted: false, reason: 'rate', waitMs };
      for (const [index, { bucket, amount }] of input.takes.entries()) {
        buckets.set(bucket.key, { tokens: (levels[index] ?? 0) - amount, updatedAtMs: at });
      }
      gate.commit();
      return gate.outcome;
    },

    async recordOutcome(input: RecordOutcomeInput): Promise<BreakerState> {
      return recordBreakerOutcome({ record: breakerOf(input.key), input, nowMs: now() });
    },

    async debitBucket(input: { bucket: BucketSpec; amount: number }): Promise<void> {
      const at = now();
      const { bucket } = input;
      const tokens = refilledTokens({
        level: buckets.get(bucket.key),
        capacity: bucket.capacity,
        refillPerSecond: bucket.refillPerSecond,
        nowMs: at,
      });
      // A debt of more than one bucket would stall the endpoint for minutes over one bad estimate.
      buckets.set(bucket.key, { tokens: Math.max(-bucket.capacity, tokens - input.amount), updatedAtMs: at });
    },

    async readBreaker(key: string): Promise<BreakerState> {
      const record = breakers.get(key);
      return record ? breakerStateOf(record, now()) : { phase: 'closed', retryInMs: 0 };
    },

    async acquireSlot(input): Promise<boolean> {
      const at = now();
      const holders = purgeSlots(input.key, at);
      if (holders.size >= input.limit && !holders.has(input.holderId)) return false;
      holders.set(input.holderId, at + input.leaseMs);
      return true;
    },

    async renewSlots(input): Promise<void> {
      const at = now();
      const holders = slots.get(input.key);
      if (!holders) return;
      for (const holder of input.holderIds) if (holders.has(holder)) holders.set(holder, at + input.leaseMs);
    },

    async releaseSlot(input): Promise<void> {
      slots.get(input.key)?.delete(input.holderId);
      for (const listener of listeners.get(input.key) ?? []) listener();
    },

    onSlotReleased(key: string, listener: () => void): () => void {
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

    ping: async () => true,
    close: async () => {},
  };
}
