/**
 * What metrics and the dashboard read about the gateway's live state at scrape time. The resilience
 * layers' `snapshot()` (breakers, queues, counters, budgets) satisfies it as it is; every part is
 * optional so that a gateway without budgets or limits can still be scraped.
 */
export interface GatewayStateSnapshot {
  /** The circuit breaker of every deployment attempted so far. */
  breakers?: readonly BreakerStateSnapshot[];
  /** Concurrency queues of endpoints with `max_concurrency`, on this instance. */
  queues?: readonly QueueStateSnapshot[];
  /** Monotonic counters of what the attempt guard did since this instance started. */
  counters?: Partial<Record<GuardCounterName, number>>;
  /** Budgets seen recently, with their utilisation. */
  budgets?: readonly BudgetStateSnapshot[];
}

/** Where a breaker is: `closed` lets traffic through, `open` refuses it, `half-open` lets probes through. */
export type BreakerPhaseName = 'closed' | 'open' | 'half-open';

/** One deployment's breaker. */
export interface BreakerStateSnapshot {
  /** `provider/model`. */
  deployment: string;
  phase: BreakerPhaseName;
}

/** One endpoint's concurrency queue. */
export interface QueueStateSnapshot {
  /** The provider (endpoint) name. */
  endpoint: string;
  /** Requests waiting for a slot. */
  depth: number;
  /** Requests holding a slot. */
  inFlight: number;
}

/** The attempt guard's counters that metrics export. */
export type GuardCounterName = 'breakerSkips' | 'breakerOpenings' | 'rateLimitWaits' | 'rateLimitSkips' | 'queueSkips';

/** One budget instance in its current window. */
export interface BudgetStateSnapshot {
  /** Shown to users: `tenant:acme/day`, or the configured name. */
  name: string;
  scope: 'global' | 'tenant' | 'key' | 'feature';
  /** The tenant, feature or key id it counts (`all` for global budgets). */
  subject: string;
  limitUsd: number;
  spentUsd: number;
  /** Reserved by requests in flight. */
  heldUsd: number;
  /** (spent + held) / limit. */
  utilisation: number;
  level: 'ok' | 'fallback' | 'throttle' | 'exhausted';
  /** ISO time the window ends. */
  resetsAt: string;
  /** Share of the limit where cheaper tiers take over (default 0.8 when the provider does not say). */
  fallbackAt?: number;
  /** Share of the limit where only interactive traffic passes (default 0.95 when the provider does not say). */
  throttleAt?: number;
  /** ISO time the window started (for the burn-down; derived from `resetsAt` when absent). */
  windowStart?: string;
}

/** Reads the live state; called once per scrape or dashboard refresh. */
export type GatewayStateProvider = () => Promise<GatewayStateSnapshot>;
