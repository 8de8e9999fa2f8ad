import type { GatewayMetrics } from './define-metrics.js';
import type { GatewayStateSnapshot, GuardCounterName } from './gateway-state-snapshot.js';

const BREAKER_VALUE = { closed: 0, 'half-open': 1, open: 2 } as const;

const GUARD_EVENTS: Record<GuardCounterName, string> = {
  breakerOpenings: 'breaker_opening',
  breakerSkips: 'breaker_skip',
  rateLimitWaits: 'rate_limit_wait',
  rateLimitSkips: 'rate_limit_skip',
  queueSkips: 'queue_skip',
};

/** The ledger's health figures that metrics export (the ledger's `stats()` has them). */
export interface LedgerHealth {
  pendingJournalBytes: number;
  heldEntries: number;
  storeFailures: number;
  setAside: number;
  lost: number;
}

/**
 * Sets the scrape-time series from a fresh snapshot. Series are reset first so that a deployment,
 * queue or budget that is gone (a window that ended, a config reload) stops being exported. Without
 * a snapshot (the shared state did not answer) the last values stay and `tollgate_state_up` says 0.
 * Only the `maxBudgets` most used budgets are exported: `*` budgets give each tenant its own.
 */
export function collectGatewayState(options: {
  metrics: GatewayMetrics;
  snapshot: GatewayStateSnapshot | undefined;
  ledger: LedgerHealth | undefined;
  maxBudgets: number;
}): void {
  const { metrics, snapshot, ledger } = options;
  if (ledger) {
    metrics.ledgerPendingBytes.set(ledger.pendingJournalBytes);
    metrics.ledgerHeldEntries.set(ledger.heldEntries);
    metrics.ledgerEvents.reset();
    metrics.ledgerEvents.inc({ event: 'store_failure' }, ledger.storeFailures);
    metrics.ledgerEvents.inc({ event: 'set_aside' }, ledger.setAside);
    metrics.ledgerEvents.inc({ event: 'lost' }, ledger.lost);
  }
  if (!snapshot) return;
  for (const gauge of [
    metrics.breakerState,
    metrics.queueDepth,
    metrics.inFlight,
    metrics.budgetUtilisation,
    metrics.budgetSpent,
    metrics.budgetLimit,
  ]) {
    gauge.reset();
  }
  metrics.guardEvents.reset();
  for (const breaker of snapshot.breakers ?? []) {
    metrics.breakerState.set({ deployment: breaker.deployment }, BREAKER_VALUE[breaker.phase] ?? 0);
  }
  for (const queue of snapshot.queues ?? []) {
    metrics.queueDepth.set({ endpoint: queue.endpoint }, queue.depth);
    metrics.inFlight.set({ endpoint: queue.endpoint }, queue.inFlight);
  }
  for (const [name, event] of Object.entries(GUARD_EVENTS) as [GuardCounterName, string][]) {
    const value = snapshot.counters?.[name];
    if (value !== undefined && value > 0) metrics.guardEvents.inc({ event }, value);
  }
  const budgets = [...(snapshot.budgets ?? [])]
    .sort((left, right) => right.utilisation - left.utilisation)
    .slice(0, options.maxBudgets);
  for (const budget of budgets) {
    const labels = { budget: budget.name, scope: budget.scope };
    metrics.budgetUtilisation.set(labels, budget.utilisation);
    metrics.budgetSpent.set(labels, budget.spentUsd);
    metrics.budgetLimit.set(labels, budget.limitUsd);
  }
}
