import type { ReplayReport, VariantResult } from '../replay/engine/replay-report.js';

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function percent(share: number): string {
  // Rounds to 0.0% rather than "-0.0%" when a share is a hair below zero.
  return `${(Math.abs(share) < 0.0005 ? 0 : share * 100).toFixed(1)}%`;
}

function latencyChange(result: VariantResult, baseline: VariantResult): string {
  if (baseline.latencyMs.mean <= 0) return '—';
  return `${percent(result.latencyMs.mean / baseline.latencyMs.mean - 1)} (mean ${(result.latencyMs.mean / 1000).toFixed(2)} s vs ${(baseline.latencyMs.mean / 1000).toFixed(2)} s, simulated)`;
}

/** Among requests a model answered, the share that went to a cheaper tier than the baseline's. */
export function cheaperTierShare(result: VariantResult, baselineTier: string): number {
  const shares = result.tierShares;
  const answeredByModel = 1 - (shares.cache ?? 0) - (shares.failed ?? 0);
  if (answeredByModel <= 0) return 0;
  return (answeredByModel - (shares[baselineTier] ?? 0)) / answeredByModel;
}

/**
 * The seeds' headline claims next to what this replay measured: cost per million tokens of the direct
 * frontier API, cache + routing and the full stack, the spend reduction, the share served from cache
 * and the share of the rest routed to cheaper models.
 */
export function formatSeedsComparison(report: ReplayReport): string {
  const find = (name: string): VariantResult | undefined => report.variants.find((result) => result.name === name);
  const baseline = find('baseline');
  const cache = find('cache');
  const routing = find('routing');
  const full = find('full');
  if (!baseline || !full) return '';
  const baselineTier = Object.keys(baseline.tierShares).find((tier) => tier !== 'failed') ?? 'premium';
  const rows: [string, string, string][] = [
    [
      'direct frontier API, $ per 1M tokens',
      '$12.00–15.00',
      `${usd(baseline.costPerMillionTokensUsd)} (baseline: ${baseline.model})`,
    ],
    [
      'cache + routing, $ per 1M tokens',
      '$4.50–6.00',
      `cache only ${cache ? usd(cache.costPerMillionTokensUsd) : '—'}, routing only ${routing ? usd(routing.costPerMillionTokensUsd) : '—'}`,
    ],
    ['full stack, $ per 1M tokens', '$2.10–3.20', usd(full.costPerMillionTokensUsd)],
    ['spend reduction', '47–80%', percent(full.savingVsBaseline)],
    ['latency, full stack vs direct', '-15% to -25%', latencyChange(full, baseline)],
    ['requests served from cache', '30–50%', percent(full.cacheHitRate)],
    ['rest routed to cheaper models', '60–80%', percent(cheaperTierShare(full, baselineTier))],
    [
      'quality',
      '0% degradation',
      full.quality
        ? `${full.quality.mean.toFixed(3)} vs ${baseline.quality?.mean.toFixed(3) ?? '—'} (baseline)`
        : 'not measured here (no outcomes in this trace): see docs/replay.md',
    ],
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  const line = ([label, claim, measured]: [string, string, string]): string =>
    `  ${label.padEnd(widths[0] ?? 0)}   ${claim.padEnd(widths[1] ?? 0)}   ${measured}`;
  return [
    "The seeds' headline table, measured on this traffic:",
    line(['', 'seeds claim', 'measured']),
    ...rows.map(line),
  ].join('\n');
}
