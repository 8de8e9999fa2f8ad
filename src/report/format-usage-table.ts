import type { UsageReport } from './query-usage.js';
import type { UsageTotals } from './usage-totals.js';

/** USD with the decimals small amounts need: 1,234.50, 0.042, 0.00027. */
export function formatUsd(value: number): string {
  const magnitude = Math.abs(value);
  const maximumFractionDigits = magnitude === 0 || magnitude >= 1 ? 2 : magnitude >= 0.01 ? 4 : 6;
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits });
}

/** USD with a fixed number of decimals, so that a column of amounts lines up on the point. */
function formatUsdFixed(value: number, decimals: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Four decimals, or six when some amount in the report would otherwise show as 0.0000. */
function moneyDecimals(report: UsageReport): number {
  const amounts = [...report.rows, report.totals].flatMap((totals) => [
    totals.costUsd,
    totals.counterfactualCostUsd,
    totals.savingsUsd,
    totals.batchCostUsd,
    totals.batchSavingUsd,
  ]);
  return amounts.some((amount) => amount !== 0 && Math.abs(amount) < 0.0001) ? 6 : 4;
}

function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/**
 * The figure columns. The batch columns appear only when the report has batch-priority requests,
 * to keep the common table narrow; CSV and JSON always carry them.
 */
function numberColumns(options: {
  decimals: number;
  withBatch: boolean;
}): { title: string; cell: (totals: UsageTotals) => string }[] {
  const { decimals } = options;
  const batch = [
    { title: 'batch $', cell: (totals: UsageTotals) => formatUsdFixed(totals.batchCostUsd, decimals) },
    { title: 'batch saved $', cell: (totals: UsageTotals) => formatUsdFixed(totals.batchSavingUsd, decimals) },
  ];
  return [
    { title: 'requests', cell: (totals) => formatCount(totals.requests) },
    { title: 'uncached in', cell: (totals) => formatCount(totals.uncachedInputTokens) },
    { title: 'cache read', cell: (totals) => formatCount(totals.cacheReadInputTokens) },
    { title: 'cache write', cell: (totals) => formatCount(totals.cacheWriteInputTokens) },
    { title: 'output', cell: (totals) => formatCount(totals.outputTokens) },
    { title: 'reasoning', cell: (totals) => formatCount(totals.reasoningTokens) },
    { title: 'cache hits', cell: (totals) => formatPercent(totals.cacheHitShare) },
    { title: 'errors', cell: (totals) => formatCount(totals.errors) },
    { title: 'cost $', cell: (totals) => formatUsdFixed(totals.costUsd, decimals) },
    { title: 'baseline $', cell: (totals) => formatUsdFixed(totals.counterfactualCostUsd, decimals) },
    { title: 'saved $', cell: (totals) => formatUsdFixed(totals.savingsUsd, decimals) },
    { title: 'saved', cell: (totals) => formatPercent(totals.savingsShare) },
    ...(options.withBatch ? batch : []),
  ];
}

/** "spent $X, would have spent $Y (saved Z%)": the line a report is read for. */
export function formatSavingsLine(totals: UsageTotals): string {
  return `spent $${formatUsd(totals.costUsd)}, would have spent $${formatUsd(totals.counterfactualCostUsd)} (saved ${formatPercent(totals.savingsShare)})`;
}

/** "batch: N requests spent $X, $Y at live prices (saved $Z)": what the batch lane saved. */
export function formatBatchLine(totals: UsageTotals): string {
  const live = totals.batchCostUsd + totals.batchSavingUsd;
  return `batch: ${formatCount(totals.batchRequests)} requests spent $${formatUsd(totals.batchCostUsd)}, $${formatUsd(live)} at live prices (saved $${formatUsd(totals.batchSavingUsd)})`;
}

function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

/**
 * A usage report as an aligned text table: group columns left-aligned, figures right-aligned, a
 * totals line, and the savings line under it (and the batch line, when there was batch traffic).
 */
export function formatUsageTable(report: UsageReport): string {
  const withBatch = report.totals.batchRequests > 0;
  const columns = numberColumns({ decimals: moneyDecimals(report), withBatch });
  const groupTitles = report.groupBy.length === 0 ? ['all'] : [...report.groupBy];
  const titles = [...groupTitles, ...columns.map((column) => column.title)];
  const body = report.rows.map((row) => [
    ...(report.groupBy.length === 0 ? ['all'] : report.groupBy.map((dimension) => row.group[dimension] ?? '(none)')),
    ...columns.map((column) => column.cell(row)),
  ]);
  const totalLine = [
    'total',
    ...groupTitles.slice(1).map(() => ''),
    ...columns.map((column) => column.cell(report.totals)),
  ];
  const widths = titles.map((title, index) =>
    Math.max(title.length, ...[...body, totalLine].map((cells) => cells[index]?.length ?? 0)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, index) =>
        index < groupTitles.length ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  const lines = [
    `Spend from ${formatTime(report.from)} to ${formatTime(report.to)}, by ${groupTitles.join(', ')}`,
    '',
    render(titles),
    rule,
    ...(body.length === 0 ? ['(no requests in this range)'] : body.map(render)),
    rule,
    render(totalLine),
    '',
    formatSavingsLine(report.totals),
    ...(withBatch ? [formatBatchLine(report.totals)] : []),
  ];
  if (report.totals.unpricedRequests > 0) {
    lines.push(
      `note: ${formatCount(report.totals.unpricedRequests)} requests used models without a price; their cost counts as $0`,
    );
  }
  return `${lines.join('\n')}\n`;
}
