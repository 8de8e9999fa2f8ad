import type { UsageTotals } from './api-types.js';
import { h, replaceChildren } from './dom.js';
import { formatCount, formatShare, formatUsd } from './format.js';

function kpi(options: { id: string; label: string; value: string; raw: number; note?: string; tone?: 'good' | 'bad' }) {
  return h(
    'div',
    { class: `kpi${options.tone ? ` kpi-${options.tone}` : ''}` },
    h('div', { class: 'kpi-label' }, options.label),
    h('div', { class: 'kpi-value', 'data-testid': options.id, 'data-value': options.raw }, options.value),
    options.note ? h('div', { class: 'kpi-note' }, options.note) : null,
  );
}

/** The headline numbers of the range: spend, the baseline it is compared with, requests, cache and errors. */
export function renderKpis(container: HTMLElement, totals: UsageTotals): void {
  const saved = totals.savingsUsd;
  replaceChildren(
    container,
    kpi({ id: 'kpi-spend', label: 'Spend', value: formatUsd(totals.costUsd), raw: totals.costUsd }),
    kpi({
      id: 'kpi-savings',
      label: saved >= 0 ? 'Saved' : 'Over baseline',
      value: formatUsd(Math.abs(saved)),
      raw: saved,
      tone: saved >= 0 ? 'good' : 'bad',
      note: `spent ${formatUsd(totals.costUsd)}, would have spent ${formatUsd(totals.counterfactualCostUsd)} on the all-premium baseline without cache (${formatShare(totals.savingsShare)} ${saved >= 0 ? 'less' : 'more'})`,
    }),
    kpi({ id: 'kpi-requests', label: 'Requests', value: formatCount(totals.requests), raw: totals.requests }),
    kpi({
      id: 'kpi-cache',
      label: 'Cache hit rate',
      value: formatShare(totals.cacheHitShare),
      raw: totals.cacheHitShare,
      note: `${formatCount(totals.cacheHits)} answered from the gateway cache`,
    }),
    kpi({
      id: 'kpi-errors',
      label: 'Errors',
      value: formatCount(totals.errors),
      raw: totals.errors,
      tone: totals.errors > 0 ? 'bad' : undefined,
      note:
        totals.unpricedRequests > 0
          ? `${formatCount(totals.unpricedRequests)} requests on unpriced models (cost unknown)`
          : `${formatShare(totals.requests > 0 ? totals.errors / totals.requests : 0)} of requests`,
    }),
  );
}
