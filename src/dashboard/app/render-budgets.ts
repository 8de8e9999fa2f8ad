import type { Budget, TimeSeriesResponse } from './api-types.js';
import { renderBurnDown } from './charts.js';
import { h, replaceChildren } from './dom.js';
import { formatShare, formatUsd } from './format.js';

/** Burn-down charts drawn; other budgets are listed without one (each chart is one ledger query). */
const CHARTED = 6;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Reads a time series (the caller's API access). */
export type SeriesReader = (params: Record<string, string | number | undefined>) => Promise<TimeSeriesResponse>;

/** The ledger filter that counts what a budget counts. */
function scopeFilter(budget: Budget): Record<string, string> {
  switch (budget.scope) {
    case 'tenant':
      return { tenant: budget.subject };
    case 'feature':
      return { feature: budget.subject };
    case 'key':
      return { key: budget.subject };
    case 'global':
      return {};
    default: {
      const unreachable: never = budget.scope;
      return unreachable;
    }
  }
}

async function drawBurnDown(container: HTMLElement, budget: Budget, readSeries: SeriesReader): Promise<void> {
  const start = Date.parse(budget.windowStart);
  const end = Date.parse(budget.resetsAt);
  const now = Math.min(Date.now(), end);
  const bucketMs = end - start > 3 * DAY_MS ? DAY_MS : HOUR_MS;
  const series = await readSeries({
    from: start,
    to: Math.max(now, start + 1),
    bucket: bucketMs === DAY_MS ? 'day' : 'hour',
    ...scopeFilter(budget),
  });
  const byBucket = new Map(series.points.map((point) => [point.bucketStart, point.costUsd]));
  const x = [start / 1000];
  const spent: (number | null)[] = [0];
  let total = 0;
  for (let bucket = Math.floor(start / bucketMs) * bucketMs; bucket < now; bucket += bucketMs) {
    total += byBucket.get(bucket) ?? 0;
    x.push(Math.min(bucket + bucketMs, now) / 1000);
    spent.push(total);
  }
  // Held money is committed too: the budget counts it, so the line ends where the budget stands.
  spent[spent.length - 1] = Math.max(total, budget.spentUsd + budget.heldUsd);
  if (end > now) {
    x.push(end / 1000);
    spent.push(null);
  }
  renderBurnDown({
    container,
    x,
    spent,
    limitUsd: budget.limitUsd,
    fallbackAt: budget.fallbackAt,
    throttleAt: budget.throttleAt,
    format: formatUsd,
  });
}

function resetsIn(resetsAt: string): string {
  const hours = (Date.parse(resetsAt) - Date.now()) / HOUR_MS;
  return hours >= 48 ? `resets in ${Math.round(hours / 24)} days` : `resets in ${Math.max(0, hours).toFixed(1)} h`;
}

/** Every budget with its level, and a burn-down chart for the most used ones. */
export async function renderBudgets(
  container: HTMLElement,
  budgets: Budget[],
  readSeries: SeriesReader,
): Promise<void> {
  if (budgets.length === 0) {
    replaceChildren(
      container,
      h('p', { class: 'empty' }, 'No budgets have counted a request yet (budgets: in tollgate.yaml).'),
    );
    return;
  }
  const charts: Promise<void>[] = [];
  replaceChildren(
    container,
    budgets.map((budget, index) => {
      const chart = index < CHARTED ? h('div', { class: 'chart small' }) : null;
      if (chart) charts.push(drawBurnDown(chart, budget, readSeries));
      return h(
        'div',
        { class: 'budget', 'data-testid': 'budget', 'data-key': budget.name, 'data-value': budget.utilisation },
        h(
          'div',
          { class: 'budget-head' },
          h('strong', {}, budget.name),
          h('span', { class: `badge level-${budget.level}` }, budget.level),
          h(
            'span',
            { class: 'muted' },
            `${formatUsd(budget.spentUsd + budget.heldUsd)} of ${formatUsd(budget.limitUsd)} (${formatShare(budget.utilisation)}) · ${resetsIn(budget.resetsAt)}`,
          ),
        ),
        chart,
      );
    }),
  );
  await Promise.all(charts);
}
