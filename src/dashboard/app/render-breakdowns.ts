import type { Dimension, UsageReport, UsageRow } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { formatCount, formatShare, formatUsd } from './format.js';

/** Rows shown per breakdown; the rest are summed into one line. */
const TOP = 10;

function bar(share: number) {
  return h(
    'div',
    { class: 'bar' },
    h('div', { class: 'bar-fill', style: `width:${Math.max(0, Math.min(1, share)) * 100}%` }),
  );
}

function emptyNote() {
  return h('p', { class: 'empty' }, 'No requests in this range.');
}

/** The top tenants or features by spend, with their share, savings and cache hit rate. */
export function renderTopTable(options: {
  container: HTMLElement;
  report: UsageReport;
  dimension: Dimension;
  testId: string;
}): void {
  const { report, dimension } = options;
  if (report.rows.length === 0) {
    replaceChildren(options.container, emptyNote());
    return;
  }
  const total = report.totals.costUsd;
  const rows = report.rows.slice(0, TOP);
  const rest = report.rows.slice(TOP);
  const line = (
    name: string,
    row: Pick<UsageRow, 'requests' | 'costUsd' | 'savingsUsd' | 'cacheHitShare'>,
    key: string | null,
  ) =>
    h(
      'tr',
      { 'data-testid': options.testId, 'data-key': key ?? '', 'data-value': row.costUsd },
      h('td', { class: 'name' }, name),
      h('td', { class: 'num' }, formatCount(row.requests)),
      h('td', { class: 'num spend' }, formatUsd(row.costUsd)),
      h(
        'td',
        { class: 'share' },
        bar(total > 0 ? row.costUsd / total : 0),
        formatShare(total > 0 ? row.costUsd / total : 0),
      ),
      h('td', { class: 'num' }, formatUsd(row.savingsUsd)),
      h('td', { class: 'num' }, formatShare(row.cacheHitShare)),
    );
  const restTotals = rest.reduce(
    (sum, row) => ({
      requests: sum.requests + row.requests,
      costUsd: sum.costUsd + row.costUsd,
      savingsUsd: sum.savingsUsd + row.savingsUsd,
      cacheHits: sum.cacheHits + row.cacheHits,
    }),
    { requests: 0, costUsd: 0, savingsUsd: 0, cacheHits: 0 },
  );
  replaceChildren(
    options.container,
    h(
      'table',
      { class: 'table compact' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, dimension),
          h('th', { class: 'num' }, 'requests'),
          h('th', { class: 'num' }, 'spend'),
          h('th', {}, 'share'),
          h('th', { class: 'num' }, 'saved'),
          h('th', { class: 'num' }, 'cache'),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) => line(row.group[dimension] ?? '(none)', row, row.group[dimension] ?? null)),
        rest.length > 0
          ? line(
              `${rest.length} more`,
              {
                ...restTotals,
                cacheHitShare: restTotals.requests > 0 ? restTotals.cacheHits / restTotals.requests : 0,
              },
              null,
            )
          : null,
      ),
    ),
  );
}

function mixList(
  title: string,
  entries: [string, { requests: number; costUsd: number }][],
  totalRequests: number,
  testId: string,
) {
  return h(
    'div',
    { class: 'mix' },
    h('h3', {}, title),
    entries.map(([name, value]) =>
      h(
        'div',
        { class: 'mix-row', 'data-testid': testId, 'data-key': name, 'data-value': value.requests },
        h('span', { class: 'mix-name' }, name),
        bar(totalRequests > 0 ? value.requests / totalRequests : 0),
        h(
          'span',
          { class: 'num' },
          `${formatCount(value.requests)} · ${formatShare(totalRequests > 0 ? value.requests / totalRequests : 0)}`,
        ),
        h('span', { class: 'num muted' }, formatUsd(value.costUsd)),
      ),
    ),
  );
}

function sumBy(rows: UsageRow[], dimension: Dimension, empty: string) {
  const sums = new Map<string, { requests: number; costUsd: number }>();
  for (const row of rows) {
    const name = row.group[dimension] ?? empty;
    const sum = sums.get(name) ?? { requests: 0, costUsd: 0 };
    sum.requests += row.requests;
    sum.costUsd += row.costUsd;
    sums.set(name, sum);
  }
  return [...sums.entries()].sort((left, right) => right[1].requests - left[1].requests);
}

/** Where traffic went: requests and spend per tier, and per deciding route rule. */
export function renderRoutingMix(container: HTMLElement, report: UsageReport): void {
  if (report.rows.length === 0) {
    replaceChildren(container, emptyNote());
    return;
  }
  const total = report.totals.requests;
  replaceChildren(
    container,
    mixList('By tier', sumBy(report.rows, 'tier', '(no tier)'), total, 'mix-tier'),
    mixList('By deciding rule', sumBy(report.rows, 'route', 'none'), total, 'mix-rule'),
  );
}
