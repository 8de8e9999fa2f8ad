import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { BudgetConfig } from '../config/config-schema.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { Logger } from '../logging/create-logger.js';
import type { BudgetThreshold, BudgetTotals, SharedState } from '../shared-state/shared-state.js';
import { GatewayError } from '../spec/index.js';
import type { BudgetLayer, BudgetReservation, BudgetState } from '../stages/budget/budget-layer.js';
import { type ApplicableBudget, applicableBudgets } from './applicable-budgets.js';
import type { KeyBudget } from './parse-key-budget.js';
import type { BudgetWebhookSender } from './send-budget-webhook.js';

/** One budget instance's numbers, for metrics and the dashboard. */
export interface BudgetSnapshot {
  name: string;
  scope: ApplicableBudget['scope'];
  subject: string;
  limitUsd: number;
  spentUsd: number;
  heldUsd: number;
  /** (spent + held) / limit. */
  utilisation: number;
  level: BudgetState['level'];
  resetsAt: string;
}

/** The budget layer, plus what metrics read. */
export interface ManagedBudgetLayer extends BudgetLayer {
  /** Every budget instance seen recently (bounded), with its current numbers. */
  snapshot(): Promise<BudgetSnapshot[]>;
}

/** Options for {@link createBudgetLayer}. */
export interface CreateBudgetLayerOptions {
  sharedState: SharedState;
  /** The current `budgets:` section (read per request, so a config reload applies at once). */
  budgets: () => readonly BudgetConfig[];
  /** A virtual key's own budget, if it has one. */
  keyBudget: (keyId: string) => KeyBudget | undefined;
  /** How long an unsettled hold lives (`resilience.reservation_lease_ms`). */
  leaseMs: () => number;
  webhook: BudgetWebhookSender;
  logger: Logger;
  now?: () => number;
  /**
   * How long `state()` may reuse totals it has seen (default: 0 in memory, 250 ms on Redis). State
   * only steers routing between soft thresholds, so a fraction of a second is fine, and it saves a
   * Redis round trip per request; reservations always go to the store.
   */
  stateCacheMs?: number;
}

/** Budget instances remembered for the snapshot; beyond this the least recently used are forgotten. */
const MAX_TRACKED_BUDGETS = 1_000;

const LEVEL_RANK: Record<BudgetState['level'], number> = { ok: 0, fallback: 1, throttle: 2, exhausted: 3 };

function levelOf(budget: ApplicableBudget, utilisation: number): BudgetState['level'] {
  if (utilisation >= 1) return 'exhausted';
  if (utilisation >= budget.throttleAt) return 'throttle';
  if (utilisation >= budget.fallbackAt) return 'fallback';
  return 'ok';
}

function usd(amount: number): string {
  return `$${amount.toFixed(amount >= 100 ? 2 : 4)}`;
}

function percent(share: number): string {
  return `${Math.round(share * 100)}%`;
}

function used(totals: BudgetTotals): number {
  return totals.spentUsd + totals.heldUsd;
}

/** The state routing reads: the highest level, ties broken by utilisation; the least USD left. */
function stateOf(budgets: readonly ApplicableBudget[], totals: readonly BudgetTotals[]): BudgetState {
  let state: BudgetState = { level: 'ok', utilisation: 0, budget: undefined, remainingUsd: undefined };
  for (const [index, budget] of budgets.entries()) {
    const current = totals[index] ?? { spentUsd: 0, heldUsd: 0 };
    const utilisation = used(current) / budget.limitUsd;
    const level = levelOf(budget, utilisation);
    const remaining = Math.max(0, budget.limitUsd - used(current));
    const tighter =
      state.budget === undefined ||
      LEVEL_RANK[level] > LEVEL_RANK[state.level] ||
      (LEVEL_RANK[level] === LEVEL_RANK[state.level] && utilisation > state.utilisation);
    const remainingUsd = Math.min(state.remainingUsd ?? Number.POSITIVE_INFINITY, remaining);
    state = tighter
      ? {
          level,
          utilisation,
          budget: budget.name,
          remainingUsd,
          // The router's cost-quality knob moves between this budget's own thresholds.
          fallbackAt: budget.fallbackAt,
          throttleAt: budget.throttleAt,
        }
      : { ...state, remainingUsd };
  }
  return state;
}

function refusal(options: {
  budget: ApplicableBudget;
  reason: 'limit' | 'throttle';
  totals: BudgetTotals;
  maxCostUsd: number;
  nowMs: number;
}): GatewayError {
  const { budget, totals } = options;
  const resetsAt = new Date(budget.window.endMs).toISOString();
  const retryAfterMs = Math.max(0, budget.window.endMs - options.nowMs);
  const message =
    options.reason === 'throttle'
      ? `Budget "${budget.name}" is at ${percent(used(totals) / budget.limitUsd)} of its ${usd(budget.limitUsd)} limit, past its throttle threshold (${percent(budget.throttleAt)}): only interactive requests are served until it resets at ${resetsAt}; this request has x-tollgate-priority: batch.`
      : `Budget "${budget.name}" is exhausted: ${usd(used(totals))} of ${usd(budget.limitUsd)} spent or held, and this request may cost up to ${usd(options.maxCostUsd)}. It resets at ${resetsAt}.`;
  return new GatewayError({ code: 'budget_exceeded', message, retryAfterMs });
}

/**
 * Budgets with reserve-then-settle over the shared state: a request holds its worst-case cost against
 * every budget that applies (all or none, atomically), settles to its actual cost, or releases the
 * hold when nothing was spent. A hold that does not fit, or batch traffic past a throttle threshold,
 * is refused with a 429 naming the budget and its reset. Each threshold crossing fires the budget's
 * webhook once per window (the shared state decides which request reports it).
 */
export function createBudgetLayer(options: CreateBudgetLayerOptions): ManagedBudgetLayer {
  const { sharedState, logger } = options;
  const now = options.now ?? Date.now;
  const tracked = new LRUCache<string, ApplicableBudget>({ max: MAX_TRACKED_BUDGETS });
  const stateCacheMs = options.stateCacheMs ?? (sharedState.kind === 'redis' ? 250 : 0);
  const seenTotals = new LRUCache<string, { totals: BudgetTotals; atMs: number }>({ max: MAX_TRACKED_BUDGETS });
  const remember = (budgets: readonly ApplicableBudget[], totals: readonly BudgetTotals[]): void => {
    if (stateCacheMs <= 0) return;
    const atMs = now();
    for (const [index, budget] of budgets.entries()) {
      const current = totals[index];
      if (current) seenTotals.set(budget.counter.key, { totals: current, atMs });
    }
  };
  const readTotals = async (budgets: readonly ApplicableBudget[]): Promise<BudgetTotals[]> => {
    if (stateCacheMs > 0) {
      const oldest = now() - stateCacheMs;
      const cached = budgets.map((budget) => seenTotals.get(budget.counter.key));
      if (cached.every((entry) => entry !== undefined && entry.atMs >= oldest)) {
        return cached.map((entry) => (entry as { totals: BudgetTotals }).totals);
      }
    }
    const totals = await sharedState.readBudgets(budgets.map((budget) => budget.counter));
    remember(budgets, totals);
    return totals;
  };

  // state() and reserve() of one request need the same budgets: work them out once.
  const resolved = new WeakMap<RequestContext, ApplicableBudget[]>();
  const resolve = (context: RequestContext): ApplicableBudget[] => {
    const known = resolved.get(context);
    if (known) return known;
    const keyId = context.keyId;
    const budgets = applicableBudgets({
      budgets: options.budgets(),
      subject: { tenant: context.directives.tenant, feature: context.directives.feature, keyId },
      keyBudget: keyId === undefined ? undefined : options.keyBudget(keyId),
      nowMs: now(),
    });
    for (const budget of budgets) tracked.set(budget.counter.key, budget);
    resolved.set(context, budgets);
    return budgets;
  };

  const notify = (budget: ApplicableBudget | undefined, threshold: BudgetThreshold, totals: BudgetTotals): void => {
    if (!budget) return;
    logger.warn(
      { budget: budget.name, threshold, spentUsd: totals.spentUsd, limitUsd: budget.limitUsd },
      'budget threshold crossed',
    );
    void options.webhook({ budget, threshold, totals });
  };

  return {
    async state(context) {
      const budgets = resolve(context);
      if (budgets.length === 0) return stateOf([], []);
      return stateOf(budgets, await readTotals(budgets));
    },

    async reserve({ context, maxCostUsd }): Promise<BudgetReservation> {
      const budgets = resolve(context);
      if (budgets.length === 0) {
        return { settle: async () => {}, release: async () => {}, remainingUsd: undefined };
      }
      const counters = budgets.map((budget) => budget.counter);
      const reservationId = `${context.requestId}:${randomUUID()}`;
      const outcome = await sharedState.reserveBudget({
        counters,
        amountUsd: Math.max(0, maxCostUsd),
        reservationId,
        leaseMs: options.leaseMs(),
        batch: context.directives.priority === 'batch',
      });
      if (!outcome.ok) {
        const budget = budgets[outcome.index] as ApplicableBudget;
        if (outcome.firstRefusal) notify(budget, 'limit', outcome.totals);
        throw refusal({ budget, reason: outcome.reason, totals: outcome.totals, maxCostUsd, nowMs: now() });
      }
      remember(budgets, outcome.totals);
      let open = true;
      return {
        remainingUsd: stateOf(budgets, outcome.totals).remainingUsd,
        async settle(actualUsd) {
          if (!open) return;
          open = false;
          const settled = await sharedState.settleBudget({
            counters,
            reservationId,
            actualUsd: Math.max(0, actualUsd),
          });
          for (const crossing of settled.crossed) {
            const totals = settled.totals[crossing.index] ?? { spentUsd: 0, heldUsd: 0 };
            notify(budgets[crossing.index], crossing.threshold, totals);
          }
        },
        async release() {
          if (!open) return;
          open = false;
          await sharedState.releaseBudget({ counters, reservationId });
        },
      };
    },

    async snapshot() {
      const at = now();
      const budgets = [...tracked.values()]
        .filter((budget) => budget.window.endMs > at)
        .sort((a, b) => a.name.localeCompare(b.name));
      if (budgets.length === 0) return [];
      const totals = await sharedState.readBudgets(budgets.map((budget) => budget.counter));
      return budgets.map((budget, index) => {
        const current = totals[index] ?? { spentUsd: 0, heldUsd: 0 };
        const utilisation = used(current) / budget.limitUsd;
        return {
          name: budget.name,
          scope: budget.scope,
          subject: budget.subject,
          limitUsd: budget.limitUsd,
          spentUsd: current.spentUsd,
          heldUsd: current.heldUsd,
          utilisation,
          level: levelOf(budget, utilisation),
          resetsAt: new Date(budget.window.endMs).toISOString(),
        };
      });
    },
  };
}
