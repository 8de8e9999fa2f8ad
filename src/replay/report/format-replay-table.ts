import type { ReplayReport, VariantResult } from '../engine/replay-report.js';

function usd(value: number): string {
  if (value === 0) return '$0';
  if (Math.abs(value) >= 100) return `$${value.toLocaleString('en-US', { maximumFractionDigits: 0 })}`;
  if (Math.abs(value) >= 1) return `$${value.toFixed(2)}`;
  return `$${value.toPrecision(3)}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function duration(milliseconds: number): string {
  if (milliseconds >= 3_600_000) return `${(milliseconds / 3_600_000).toFixed(2)} h`;
  if (milliseconds >= 60_000) return `${(milliseconds / 60_000).toFixed(1)} min`;
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

function budgetCell(result: VariantResult): string {
  const { downgraded, rejected, crossings } = result.budget;
  if (downgraded + rejected + crossings.length === 0) return '—';
  const parts: string[] = [];
  if (crossings.length > 0) parts.push(`${crossings.length} crossed`);
  if (downgraded > 0) parts.push(`${downgraded} cheaper`);
  if (rejected > 0) parts.push(`${rejected} refused`);
  return parts.join(', ');
}

/** Rows of one metric across the configurations. */
type Row = [label: string, ...cells: string[]];

function tierRows(results: readonly VariantResult[]): Row[] {
  const tiers = new Set<string>();
  for (const result of results) for (const tier of Object.keys(result.tierShares)) tiers.add(tier);
  const order = [...tiers].sort((a, b) => {
    const rank = (tier: string): number => (tier === 'cache' ? -1 : tier === 'failed' ? 1 : 0);
    return rank(a) - rank(b);
  });
  return order.map((tier) => [
    `  ${tier === 'cache' ? 'answered from cache' : tier}`,
    ...results.map((result) => {
      const share = result.tierShares[tier];
      return share === undefined ? '—' : percent(share);
    }),
  ]);
}

function renderRows(header: Row, rows: readonly Row[]): string {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => (row[column] ?? '').length)));
  const line = (row: Row): string =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('   ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The replay as a table a person reads: one column per configuration, then the notes. */
export function formatReplayTable(report: ReplayReport): string {
  const results = report.variants;
  const trace = report.trace;
  const span = trace.endMs - trace.startMs;
  const title = `Replay of ${trace.name} (${trace.format}): ${trace.requests.toLocaleString('en-US')} requests${
    trace.timed ? ` over ${duration(span)}` : ''
  }, ${report.trafficTokens.toLocaleString('en-US')} tokens, catalogue prices of ${report.prices.catalogueDate}${
    report.prices.scenario ? `\nPrice scenario: ${report.prices.scenario}` : ''
  }`;
  const header: Row = [
    '',
    ...results.map((result) => {
      const same = results.find((other) => other.name === result.sameAs);
      return same ? `${result.label} (= ${same.label})` : result.label;
    }),
  ];
  const rows: Row[] = [
    ['cost', ...results.map((result) => usd(result.costUsd))],
    ['cost per 1M tokens', ...results.map((result) => usd(result.costPerMillionTokensUsd))],
    [
      'saving vs baseline',
      ...results.map((result) => (result.name === 'baseline' ? '—' : percent(result.savingVsBaseline))),
    ],
    [
      'answer-cache hit rate',
      ...results.map((result) =>
        result.cacheHits.exact + result.cacheHits.semantic === 0 ? '—' : percent(result.cacheHitRate),
      ),
    ],
    [
      '  exact / semantic',
      ...results.map((result) =>
        result.cacheHits.exact + result.cacheHits.semantic === 0
          ? '—'
          : `${result.cacheHits.exact} / ${result.cacheHits.semantic}`,
      ),
    ],
    ['prefix-cache read share', ...results.map((result) => percent(result.prefixCacheHitRate))],
    ['requests answered by', ...results.map(() => '')],
    ...tierRows(results),
    ['budget events', ...results.map(budgetCell)],
  ];
  if (results.some((result) => result.quality)) {
    rows.push([
      'quality (measured)',
      ...results.map((result) => (result.quality ? result.quality.mean.toFixed(3) : '—')),
    ]);
    rows.push([
      'recorded model cost',
      ...results.map((result) => (result.quality ? usd(result.quality.recordedCostUsd) : '—')),
    ]);
  }
  rows.push(['latency p50 (simulated)', ...results.map((result) => `${(result.latencyMs.p50 / 1000).toFixed(2)} s`)]);
  if (results.some((result) => result.monthlyProjectionUsd !== undefined)) {
    rows.push([
      'projected monthly bill',
      ...results.map((result) => (result.monthlyProjectionUsd === undefined ? '—' : usd(result.monthlyProjectionUsd))),
    ]);
  }
  const failures = results.some((result) => result.requests > result.succeeded);
  if (failures) {
    rows.push([
      'failed requests',
      ...results.map((result) => {
        const failed = Object.entries(result.errors);
        return failed.length === 0 ? '—' : failed.map(([code, count]) => `${count} ${code}`).join(', ');
      }),
    ]);
  }
  const sections = [title, '', renderRows(header, rows)];
  const shift = formatTrafficShift(report);
  if (shift) sections.push('', shift);
  const reasons = formatRouteReasons(report);
  if (reasons) sections.push('', reasons);
  const notes = [...trace.notes, ...report.notes];
  if (report.projectionBasis) notes.push(`Monthly projection: ${report.projectionBasis}.`);
  notes.push(
    "Cost per 1M tokens divides each column by the same traffic (the baseline's input + output tokens); latency is simulated time.",
  );
  sections.push('', ...notes.map((note) => `- ${note}`));
  const workers = report.workerCpuMs?.length
    ? `; ${report.workerCpuMs.length} worker processes: ${report.workerCpuMs.map((ms) => (ms / 1000).toFixed(1)).join(' + ')} s`
    : '';
  const cpu = report.cpuMs === undefined ? '' : ` (${(report.cpuMs / 1000).toFixed(1)} s of CPU${workers})`;
  sections.push('', `Replayed in ${(report.elapsedMs / 1000).toFixed(1)} s${cpu}.`);
  return `${sections.join('\n')}\n`;
}

/** Routes shown under the table. */
const TOP_REASONS = 5;

/** Why the router of the full configuration (else routing only) sent its model calls where it did. */
export function formatRouteReasons(report: ReplayReport): string | undefined {
  const routed =
    report.variants.find((result) => result.name === 'full' && result.routeReasons) ??
    report.variants.find((result) => result.name === 'routing' && result.routeReasons);
  const reasons = Object.entries(routed?.routeReasons ?? {});
  const calls = reasons.reduce((sum, [, count]) => sum + count, 0);
  if (!routed || calls === 0) return undefined;
  const rows: Row[] = reasons.slice(0, TOP_REASONS).map(([reason, count]) => [`  ${reason}`, percent(count / calls)]);
  return renderRows(
    [`why the router of "${routed.label}" chose (${calls.toLocaleString('en-US')} model calls)`, 'share'],
    rows,
  );
}

/** Where the full configuration sends its model calls at today's prices and under the scenario. */
export function formatTrafficShift(report: ReplayReport): string | undefined {
  const today = report.variants.find((result) => result.name === 'full-current');
  const scenario = report.variants.find((result) => result.name === 'full');
  if (!today || !scenario) return undefined;
  const deployments = [...new Set([...Object.keys(today.deploymentShares), ...Object.keys(scenario.deploymentShares)])];
  deployments.sort((a, b) => (scenario.deploymentShares[b] ?? 0) - (scenario.deploymentShares[a] ?? 0));
  const header: Row = ['model calls of the full stack', 'today', 'scenario', 'change'];
  const rows: Row[] = deployments.map((deployment) => {
    const before = today.deploymentShares[deployment] ?? 0;
    const after = scenario.deploymentShares[deployment] ?? 0;
    const change = after - before;
    return [
      `  ${deployment}`,
      percent(before),
      percent(after),
      Math.abs(change) < 0.0005 ? '—' : `${change > 0 ? '+' : ''}${(change * 100).toFixed(1)} pts`,
    ];
  });
  return renderRows(header, rows);
}
