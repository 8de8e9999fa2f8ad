import type { Logger } from '../logging/create-logger.js';
import type { BudgetThreshold, BudgetTotals } from '../shared-state/shared-state.js';
import type { ApplicableBudget } from './applicable-budgets.js';

/** The JSON body POSTed to a budget's `webhook_url`. */
export interface BudgetWebhookPayload {
  type: 'budget.threshold_crossed';
  /** `fallback` (cheaper tiers from now on), `throttle` (interactive only) or `limit` (requests refused). */
  threshold: BudgetThreshold;
  budget: string;
  scope: ApplicableBudget['scope'];
  subject: string;
  limit_usd: number;
  spent_usd: number;
  held_usd: number;
  /** Spent and held over the limit. */
  utilisation: number;
  /** The threshold as a share of the limit. */
  threshold_share: number;
  window_start: string;
  resets_at: string;
  at: string;
}

/** Sends one budget event; never throws (a webhook receiver's outage must not fail requests). */
export type BudgetWebhookSender = (input: {
  budget: ApplicableBudget;
  threshold: BudgetThreshold;
  totals: BudgetTotals;
}) => Promise<void>;

const TIMEOUT_MS = 5_000;

function share(budget: ApplicableBudget, threshold: BudgetThreshold): number {
  if (threshold === 'fallback') return budget.fallbackAt;
  if (threshold === 'throttle') return budget.throttleAt;
  return 1;
}

/**
 * Webhooks over `fetch` with a 5 s timeout. The shared state guarantees each crossing is reported to
 * exactly one request on one instance, so a delivery is attempted once; failures are logged.
 */
export function createBudgetWebhookSender(options: {
  logger: Logger;
  fetch?: typeof fetch;
  now?: () => number;
  /** Sees every crossing, whether or not the budget has a webhook (the dashboard's alert list). */
  onAlert?: (alert: BudgetWebhookPayload) => void;
}): BudgetWebhookSender {
  const send = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  return async ({ budget, threshold, totals }) => {
    const payload: BudgetWebhookPayload = {
      type: 'budget.threshold_crossed',
      threshold,
      budget: budget.name,
      scope: budget.scope,
      subject: budget.subject,
      limit_usd: budget.limitUsd,
      spent_usd: totals.spentUsd,
      held_usd: totals.heldUsd,
      utilisation: (totals.spentUsd + totals.heldUsd) / budget.limitUsd,
      threshold_share: share(budget, threshold),
      window_start: new Date(budget.window.startMs).toISOString(),
      resets_at: new Date(budget.window.endMs).toISOString(),
      at: new Date(now()).toISOString(),
    };
    options.onAlert?.(payload);
    if (!budget.webhookUrl) return;
    try {
      const response = await send(budget.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'tollgate-budget-webhook' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (!response.ok) {
        options.logger.warn({ budget: budget.name, threshold, status: response.status }, 'budget webhook refused');
      } else {
        options.logger.info({ budget: budget.name, threshold }, 'budget webhook sent');
      }
    } catch (error) {
      options.logger.warn({ err: error, budget: budget.name, threshold }, 'budget webhook failed');
    }
  };
}
