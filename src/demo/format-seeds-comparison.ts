import type { ReplayReport, VariantResult } from '../replay/engine/replay-report.js';

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

function percent(share: number): string {
  // Rounds to 0.0% rather than "-0.0%" when a share is a hair below zero.
  return `${(Math.abs(share) < 0.0005 ? 0 : share * 100).toFixed(1)}%`;
}

/** Among requests a model answered, the share that went to a cheaper tier than the baseline's. */
export function cheaperTierShare(result: VariantResult, baselineTier: string): number {
  const shares = result.tierShares;
  const answeredByModel = 1 - (shares.cache ?? 0) - (shares.failed ?? 0);
  if (answeredByModel <= 0) return 0;
  return (answeredByModel - (shares[baselineTier] ?? 0)) / answeredByModel;
}

/** A measured value against a claimed range: reproduced when inside it (rounded as printed). */
function verdict(value: number | undefined, range: [number, number]): string {
  if (value === undefined || !Number.isFinite(value)) return 'not measured';
  const rounded = Math.round(value * 1000) / 1000;
  if (rounded < range[0]) return 'no: below';
  if (rounded > range[1]) return 'no: above';
  return 'yes';
}

type Row = [label: string, claim: string, measured: string, reproduced: string];

/**
 * The seeds' headline claims next to what this replay measured, each marked reproduced (inside the
 * claimed range) or not: cost per million tokens of the direct frontier API, cache + routing and the
 * full stack, the spend reduction, latency, the share served from cache, the share of the rest routed
 * to cheaper models, and quality (only where the trace carries outcomes; never assumed).
 */
export function formatSeedsComparison(report: ReplayReport): string {
  const find = (name: string): VariantResult | undefined => report.variants.find((result) => result.name === name);
  const baseline = find('baseline');
  const cache = find('cache');
  const routing = find('routing');
  const full = find('full');
  if (!baseline || !full) return '';
  const baselineTier = Object.keys(baseline.tierShares).find((tier) => tier !== 'failed') ?? 'premium';
  const latency = baseline.latencyMs.mean > 0 ? full.latencyMs.mean / baseline.latencyMs.mean - 1 : undefined;
  const parts = [
    cache ? `cache only ${usd(cache.costPerMillionTokensUsd)}` : undefined,
    routing ? `routing only ${usd(routing.costPerMillionTokensUsd)}` : undefined,
  ].filter((part) => part !== undefined);
  const rows: Row[] = [
    [
      'direct frontier API, $ per 1M tokens',
      '$12.00–15.00',
      `${usd(baseline.costPerMillionTokensUsd)} (baseline: ${baseline.model})`,
      verdict(baseline.costPerMillionTokensUsd, [12, 15]),
    ],
    [
      'cache + routing, $ per 1M tokens',
      '$4.50–6.00',
      `full ${usd(full.costPerMillionTokensUsd)}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
      verdict(full.costPerMillionTokensUsd, [4.5, 6]),
    ],
    [
      'full stack, $ per 1M tokens',
      '$2.10–3.20',
      `full ${usd(full.costPerMillionTokensUsd)} (the same column: no batch lane here)`,
      verdict(full.costPerMillionTokensUsd, [2.1, 3.2]),
    ],
    ['spend reduction', '47–80%', percent(full.savingVsBaseline), verdict(full.savingVsBaseline, [0.47, 0.8])],
    [
      'latency, full stack vs direct',
      '-15% to -25%',
      latency === undefined
        ? '—'
        : `${percent(latency)} (mean ${(full.latencyMs.mean / 1000).toFixed(2)} s vs ${(baseline.latencyMs.mean / 1000).toFixed(2)} s, simulated)`,
      // A larger cut is "below" the claimed range of changes.
      verdict(latency, [-0.25, -0.15]),
    ],
    ['requests served from cache', '30–50%', percent(full.cacheHitRate), verdict(full.cacheHitRate, [0.3, 0.5])],
    [
      'rest routed to cheaper models',
      '60–80%',
      percent(cheaperTierShare(full, baselineTier)),
      verdict(cheaperTierShare(full, baselineTier), [0.6, 0.8]),
    ],
    [
      'quality',
      '0% degradation',
      full.quality
        ? `${full.quality.mean.toFixed(3)} vs ${baseline.quality?.mean.toFixed(3) ?? '—'} (baseline)`
        : 'no outcomes in this trace',
      full.quality && baseline.quality
        ? verdict(full.quality.mean / baseline.quality.mean - 1, [-0.0005, Number.POSITIVE_INFINITY])
        : 'not measured',
    ],
  ];
  const header: Row = ['', 'seeds claim', 'measured', 'reproduced?'];
  const widths = [0, 1, 2].map((column) => Math.max(...[header, ...rows].map((row) => row[column]?.length ?? 0)));
  const line = ([label, claim, measured, reproduced]: Row): string =>
    `  ${label.padEnd(widths[0] ?? 0)}   ${claim.padEnd(widths[1] ?? 0)}   ${measured.padEnd(widths[2] ?? 0)}   ${reproduced}`;
  const measured = rows.filter((row) => row[3] !== 'not measured');
  const inside = measured.filter((row) => row[3] === 'yes').length;
  return [
    "The seeds' headline table, measured on this traffic:",
    line(header),
    ...rows.map(line),
    `  Reproduced: ${inside} of ${measured.length} measured rows fall inside the seeds' ranges.`,
    ...(full.quality
      ? []
      : [
          `  Quality is not measured: ${percent(cheaperTierShare(full, baselineTier))} of the model calls went to cheaper tiers on the classifier's word`,
          '  alone, so nothing here shows a saving "at no quality loss" (RouterBench, which records quality: docs/replay.md).',
        ]),
  ].join('\n');
}
