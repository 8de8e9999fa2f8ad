/**
 * A budget threshold alert, as the budgets layer reports it (its webhook payload has exactly these
 * fields, so it can pass the payload as it is).
 */
export interface BudgetAlert {
  type: 'budget.threshold_crossed';
  /** `fallback` (cheaper tiers from now on), `throttle` (interactive only) or `limit` (requests refused). */
  threshold: 'fallback' | 'throttle' | 'limit';
  budget: string;
  scope: 'global' | 'tenant' | 'key' | 'feature';
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
  /** ISO time of the crossing. */
  at: string;
}

/** The most recent alerts, newest first, bounded. */
export interface AlertLog {
  /** Adds an alert (the budgets layer calls this on every threshold crossing). */
  record(alert: BudgetAlert): void;
  /** Alerts kept, newest first. */
  list(): BudgetAlert[];
}

/** Alerts kept by default: enough for a screen of history, bounded so that a flapping budget cannot grow memory. */
const DEFAULT_MAX_ALERTS = 200;

/** A bounded in-memory alert log; `onRecord` sees each alert as it arrives (the live feed). */
export function createAlertLog(options: { max?: number; onRecord?: (alert: BudgetAlert) => void } = {}): AlertLog {
  const max = Math.max(1, options.max ?? DEFAULT_MAX_ALERTS);
  const alerts: BudgetAlert[] = [];
  return {
    record(alert) {
      alerts.push({ ...alert });
      if (alerts.length > max) alerts.splice(0, alerts.length - max);
      options.onRecord?.(alert);
    },
    list: () => alerts.slice().reverse(),
  };
}
