import type { RequestContext } from '../../gateway/request-context.js';

/** How close the tightest applicable budget is to its limit. */
export interface BudgetState {
  /** `ok` below `fallback_at`; `fallback` prefers cheaper tiers; `throttle` lets only interactive traffic through on the cheapest tier; `exhausted` refuses. */
  level: 'ok' | 'fallback' | 'throttle' | 'exhausted';
  /** Spent + reserved over the limit, 0–1+, of the tightest budget. */
  utilisation: number;
  /** That budget's name (e.g. `tenant:acme/day`), when one applies. */
  budget: string | undefined;
  /** USD left under the tightest budget, when one applies. */
  remainingUsd: number | undefined;
  /** That budget's `fallback_at` (share of the limit), so the router can move its knob smoothly. */
  fallbackAt?: number;
  /** That budget's `throttle_at`. */
  throttleAt?: number;
}

/** A worst-case amount held against every applicable budget until the request settles. */
export interface BudgetReservation {
  /** Replaces the hold with the actual cost (atomically). */
  settle(actualUsd: number): Promise<void>;
  /** Drops the hold (the request spent nothing). */
  release(): Promise<void>;
  /** USD left under the tightest budget after this reservation, when one applies. */
  remainingUsd: number | undefined;
}

/**
 * Budgets: reserve-then-settle. `reserve` throws a GatewayError `budget_exceeded` (429, naming the
 * budget and when it resets) when the worst case does not fit.
 */
export interface BudgetLayer {
  /** Budget state for routing (rule 4). */
  state(context: RequestContext): Promise<BudgetState>;
  /** Holds `maxCostUsd` against every budget that applies to the request. */
  reserve(input: { context: RequestContext; maxCostUsd: number }): Promise<BudgetReservation>;
}

const NO_BUDGET: BudgetState = { level: 'ok', utilisation: 0, budget: undefined, remainingUsd: undefined };

/** No budgets configured. */
export const unlimitedBudgets: BudgetLayer = {
  state: async () => NO_BUDGET,
  reserve: async () => ({ settle: async () => {}, release: async () => {}, remainingUsd: undefined }),
};
