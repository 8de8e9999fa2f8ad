import type { BudgetConfig } from '../config/config-schema.js';
import type { BudgetCounter } from '../shared-state/shared-state.js';
import { type BudgetWindow, budgetWindow } from './budget-window.js';
import type { KeyBudget } from './parse-key-budget.js';

/** Who a request is, for budget matching. */
export interface BudgetSubject {
  tenant: string;
  feature: string;
  keyId: string | undefined;
}

/** One budget that applies to a request, in its current window. */
export interface ApplicableBudget {
  /** Shown to users: `tenant:acme/day`, or the configured name. */
  name: string;
  scope: BudgetConfig['scope'];
  /** The tenant, feature or key id it counts (`*` budgets: the request's own). */
  subject: string;
  limitUsd: number;
  fallbackAt: number;
  throttleAt: number;
  window: BudgetWindow;
  webhookUrl: string | undefined;
  /** What the shared state stores. */
  counter: BudgetCounter;
}

/** Defaults of a key's own budget (the config's defaults for budgets). */
const KEY_BUDGET_DEFAULTS = { fallbackAt: 0.8, throttleAt: 0.95 };

function subjectOf(scope: BudgetConfig['scope'], subject: BudgetSubject): string | undefined {
  if (scope === 'global') return 'all';
  if (scope === 'tenant') return subject.tenant;
  if (scope === 'feature') return subject.feature;
  return subject.keyId;
}

function build(options: {
  name: string;
  storageName: string;
  scope: BudgetConfig['scope'];
  subject: string;
  limitUsd: number;
  fallbackAt: number;
  throttleAt: number;
  window: BudgetWindow;
  webhookUrl: string | undefined;
}): ApplicableBudget {
  const { limitUsd, window } = options;
  return {
    name: options.name,
    scope: options.scope,
    subject: options.subject,
    limitUsd,
    fallbackAt: options.fallbackAt,
    throttleAt: options.throttleAt,
    window,
    webhookUrl: options.webhookUrl,
    counter: {
      key: `${options.storageName}|${options.subject}|${window.id}`,
      limitUsd,
      fallbackUsd: limitUsd * options.fallbackAt,
      throttleUsd: limitUsd * options.throttleAt,
      windowEndsAtMs: window.endMs,
    },
  };
}

/**
 * The budgets that count a request: every configured budget whose scope matches (a `*` match gives
 * each tenant, feature or key its own instance), plus the key's own budget. Budgets that measure the
 * same thing in the same window share one counter; the tightest limit wins.
 */
export function applicableBudgets(options: {
  budgets: readonly BudgetConfig[];
  subject: BudgetSubject;
  keyBudget: KeyBudget | undefined;
  nowMs: number;
}): ApplicableBudget[] {
  const { subject, nowMs } = options;
  const found = new Map<string, ApplicableBudget>();
  const add = (budget: ApplicableBudget): void => {
    const same = found.get(budget.counter.key);
    if (!same || budget.limitUsd < same.limitUsd) found.set(budget.counter.key, budget);
  };
  for (const budget of options.budgets) {
    const value = subjectOf(budget.scope, subject);
    if (value === undefined) continue;
    if (budget.scope !== 'global' && budget.match !== '*' && budget.match !== value) continue;
    const window = budgetWindow({ spec: budget.window, nowMs });
    const generic = budget.scope === 'global' ? `global/${window.label}` : `${budget.scope}:${value}/${window.label}`;
    const wildcard = budget.scope !== 'global' && budget.match === '*';
    add(
      build({
        name: budget.name ? (wildcard ? `${budget.name}:${value}` : budget.name) : generic,
        storageName: budget.name ?? `${budget.scope}/${window.label}`,
        scope: budget.scope,
        subject: value,
        limitUsd: budget.limit_usd,
        fallbackAt: budget.fallback_at,
        throttleAt: budget.throttle_at,
        window,
        webhookUrl: budget.webhook_url,
      }),
    );
  }
  if (options.keyBudget && subject.keyId !== undefined) {
    const window = budgetWindow({ spec: options.keyBudget.window, nowMs });
    add(
      build({
        name: `key:${subject.keyId}/${window.label}`,
        storageName: `key/${window.label}`,
        scope: 'key',
        subject: subject.keyId,
        limitUsd: options.keyBudget.limitUsd,
        ...KEY_BUDGET_DEFAULTS,
        window,
        webhookUrl: undefined,
      }),
    );
  }
  return [...found.values()];
}
