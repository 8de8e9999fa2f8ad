import { type BudgetWindowSpec, parseDuration } from './budget-window.js';

/** A virtual key's own budget: a limit per window. */
export interface KeyBudget {
  limitUsd: number;
  window: BudgetWindowSpec;
}

/**
 * Reads a key budget as the CLI and the admin API take it: `50/day`, `$200/month`, `5/6h`.
 * Returns undefined for anything else (the caller says what is accepted).
 */
export function parseKeyBudget(text: string): KeyBudget | undefined {
  const match = /^\$?(\d+(?:\.\d+)?)\s*\/\s*(\S+)$/.exec(text.trim());
  if (!match) return undefined;
  const limitUsd = Number(match[1]);
  const windowText = match[2] ?? '';
  if (!(limitUsd > 0)) return undefined;
  if (windowText === 'day' || windowText === 'month') return { limitUsd, window: windowText };
  return parseDuration(windowText) === undefined ? undefined : { limitUsd, window: { custom: windowText } };
}

/** The canonical text of a key budget (`50/day`). */
export function formatKeyBudget(budget: KeyBudget): string {
  const window = typeof budget.window === 'string' ? budget.window : budget.window.custom;
  return `${budget.limitUsd}/${window}`;
}
