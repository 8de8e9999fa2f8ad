/**
 * State that every gateway instance must see the same way: budget counters, rate-limit buckets,
 * circuit breakers and concurrency slots. In memory for one instance; in Redis (every operation one
 * atomic Lua script) for several. Amounts are USD; both implementations count in whole nano-dollars
 * so that sums are exact and identical.
 */
export interface SharedState {
  /** `memory` or `redis`. */
  readonly kind: 'memory' | 'redis';
  /** Holds `amountUsd` against every counter, all or none; see {@link ReserveInput}. */
  reserveBudget(input: ReserveInput): Promise<ReserveOutcome>;
  /** Replaces a hold with the actual cost; reports thresholds crossed for the first time. */
  settleBudget(input: SettleInput): Promise<SettleOutcome>;
  /** Drops a hold. */
  releaseBudget(input: { counters: readonly BudgetCounter[]; reservationId: string }): Promise<void>;
  /** Current totals of each counter. */
  readBudgets(counters: readonly BudgetCounter[]): Promise<BudgetTotals[]>;
  /** Breaker check and rate-limit take for one attempt, atomically; see {@link AdmitInput}. */
  admitAttempt(input: AdmitInput): Promise<AdmitOutcome>;
  /** Records an attempt's outcome in its breaker; returns the breaker's state afterwards. */
  recordOutcome(input: RecordOutcomeInput): Promise<BreakerState>;
  /** Adds tokens used beyond the estimate to a bucket (it may go below zero, delaying later takes). */
  debitBucket(input: { bucket: BucketSpec; amount: number }): Promise<void>;
  /** The breaker's state, for metrics. */
  readBreaker(key: string): Promise<BreakerState>;
  /** Takes a concurrency slot if fewer than `limit` are held; the slot expires after `leaseMs`. */
  acquireSlot(input: { key: string; limit: number; holderId: string; leaseMs: number }): Promise<boolean>;
  /** Extends the leases of slots still held (a crashed instance's slots lapse; live ones do not). */
  renewSlots(input: { key: string; holderIds: readonly string[]; leaseMs: number }): Promise<void>;
  /** Frees a slot and wakes waiters on every instance. */
  releaseSlot(input: { key: string; holderId: string }): Promise<void>;
  /** Calls `listener` when a slot of `key` is freed anywhere; returns the unsubscribe function. */
  onSlotReleased(key: string, listener: () => void): () => void;
  /** Whether the store answers (for readiness). */
  ping(): Promise<boolean>;
  /** Closes connections. */
  close(): Promise<void>;
}

/** One budget in one window. */
export interface BudgetCounter {
  /** Storage key, unique per budget instance and window. */
  key: string;
  /** The hard limit in USD. */
  limitUsd: number;
  /** Spend plus holds at or above which batch traffic is refused (USD). */
  throttleUsd: number;
  /** Settled spend at or above which the fallback threshold counts as crossed (USD). */
  fallbackUsd: number;
  /** When the window ends (epoch ms): the counter expires then. */
  windowEndsAtMs: number;
}

/** Spend and holds of one counter. */
export interface BudgetTotals {
  /** Settled spend in USD. */
  spentUsd: number;
  /** Outstanding holds in USD. */
  heldUsd: number;
}

/** A threshold of a budget, reported once per window when first crossed. */
export type BudgetThreshold = 'fallback' | 'throttle' | 'limit';

/** Input of {@link SharedState.reserveBudget}. */
export interface ReserveInput {
  counters: readonly BudgetCounter[];
  /** The worst-case cost to hold. */
  amountUsd: number;
  /** Unique id of this hold. */
  reservationId: string;
  /** A hold not settled within this time is dropped. */
  leaseMs: number;
  /** Batch traffic is also refused at a counter's throttle threshold. */
  batch: boolean;
}

/** The result of a reservation: held everywhere, or refused by one counter. */
export type ReserveOutcome =
  | { ok: true; totals: BudgetTotals[] }
  | {
      ok: false;
      /** Index of the counter that refused. */
      index: number;
      /** `limit`: the hold does not fit; `throttle`: batch traffic past the throttle threshold. */
      reason: 'limit' | 'throttle';
      totals: BudgetTotals;
      /** True for the window's first refusal at the limit (the webhook fires once). */
      firstRefusal: boolean;
    };

/** Input of {@link SharedState.settleBudget}. */
export interface SettleInput {
  counters: readonly BudgetCounter[];
  reservationId: string;
  /** The actual cost. */
  actualUsd: number;
}

/** Totals after settling, and thresholds crossed for the first time in the window. */
export interface SettleOutcome {
  totals: BudgetTotals[];
  crossed: { index: number; threshold: BudgetThreshold }[];
}

/** A token bucket: `capacity` tokens, refilled continuously at `refillPerSecond`. */
export interface BucketSpec {
  key: string;
  capacity: number;
  refillPerSecond: number;
}

/** Circuit breaker settings. */
export interface BreakerSettings {
  /** Failures over requests in the window that open the breaker. */
  failureRatio: number;
  /** Length of the sliding window. */
  windowMs: number;
  /** No decision on fewer requests in the window. */
  minRequests: number;
  /** How long an open breaker refuses before half-opening. */
  cooldownMs: number;
  /** Concurrent probes while half-open. */
  halfOpenProbes: number;
}

/** Input of {@link SharedState.admitAttempt}. */
export interface AdmitInput {
  /** The deployment's breaker. */
  breaker: { key: string; settings: BreakerSettings };
  /** Buckets to take from (e.g. 1 request from the RPM bucket, N tokens from the TPM bucket). */
  takes: { bucket: BucketSpec; amount: number }[];
}

/** Breaker states. */
export type BreakerPhase = 'closed' | 'open' | 'half-open';

/** A breaker as metrics and errors show it. */
export interface BreakerState {
  phase: BreakerPhase;
  /** While open: ms until probes are let through. */
  retryInMs: number;
}

/** Whether an attempt may go ahead. */
export type AdmitOutcome =
  | {
      admitted: true;
      /** True when this attempt is a half-open probe. */
      probe: boolean;
    }
  | { admitted: false; reason: 'breaker'; breaker: BreakerState }
  | {
      admitted: false;
      reason: 'rate';
      /** When the buckets will hold enough. */
      waitMs: number;
    };

/** Input of {@link SharedState.recordOutcome}. */
export interface RecordOutcomeInput {
  key: string;
  settings: BreakerSettings;
  /** `ignored` frees a probe without counting (a 4xx or a cancelled attempt). */
  outcome: 'success' | 'failure' | 'ignored';
  /** The attempt was admitted as a half-open probe. */
  probe: boolean;
  /** How many outcomes of this kind (successes are batched; default 1). Ignored for probes. */
  count?: number;
}

/** Nano-dollars per USD: counters are integers in both stores. */
export const NANO_USD = 1e9;

/** USD to whole nano-dollars, rounded up so that a hold never understates. */
export function toNanoUsd(usd: number): number {
  return Math.ceil(usd * NANO_USD - 1e-6);
}

/** Nano-dollars to USD. */
export function fromNanoUsd(nano: number): number {
  return nano / NANO_USD;
}
