import type { UsageReport } from './query-usage.js';

const NUMBER_COLUMNS = [
  ['requests', 'requests'],
  ['uncached_input_tokens', 'uncachedInputTokens'],
  ['cache_read_input_tokens', 'cacheReadInputTokens'],
  ['cache_write_input_tokens', 'cacheWriteInputTokens'],
  ['cache_write_1h_input_tokens', 'cacheWrite1hInputTokens'],
  ['output_tokens', 'outputTokens'],
  ['reasoning_tokens', 'reasoningTokens'],
  ['cache_hits', 'cacheHits'],
  ['cache_hit_share', 'cacheHitShare'],
  ['errors', 'errors'],
  ['unpriced_requests', 'unpricedRequests'],
  ['cost_usd', 'costUsd'],
  ['counterfactual_cost_usd', 'counterfactualCostUsd'],
  ['savings_usd', 'savingsUsd'],
  ['savings_share', 'savingsShare'],
  ['batch_requests', 'batchRequests'],
  ['batch_cost_usd', 'batchCostUsd'],
  ['batch_saving_usd', 'batchSavingUsd'],
] as const;

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A usage report as RFC 4180 CSV: a header, then one line per group (no totals line, so sums stay sums). */
export function formatUsageCsv(report: UsageReport): string {
  const header = [...report.groupBy, ...NUMBER_COLUMNS.map(([column]) => column)];
  const lines = [header.map(quote).join(',')];
  for (const row of report.rows) {
    const cells = [
      ...report.groupBy.map((dimension) => row.group[dimension] ?? ''),
      ...NUMBER_COLUMNS.map(([, field]) => String(row[field])),
    ];
    lines.push(cells.map(quote).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
