import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatSeedsComparison } from '../../src/demo/format-seeds-comparison.js';
import { createReplayProgress } from '../../src/replay/engine/replay-progress.js';
import type { ReplayReport, VariantResult } from '../../src/replay/engine/replay-report.js';
import type { VariantName } from '../../src/replay/engine/replay-variants.js';
import { routeReasonKey } from '../../src/replay/engine/variant-collector.js';
import { formatReplayTable } from '../../src/replay/report/format-replay-table.js';
import { renderReplayChart } from '../../src/replay/report/render-replay-chart.js';

const START = Date.UTC(2026, 2, 3, 9, 0, 0);
const HOUR = 3_600_000;
const ENDS = [START + HOUR / 2, START + HOUR];

function result(name: VariantName, label: string, costs: [number, number], extra: Partial<VariantResult> = {}) {
  const cost = costs[1];
  const value: VariantResult = {
    name,
    label,
    model: name === 'baseline' || name === 'cache' ? 'openai/gpt-5.5' : 'auto',
    requests: 100,
    succeeded: 100,
    errors: {},
    costUsd: cost,
    costPerMillionTokensUsd: (cost / 1_000_000) * 1e6,
    savingVsBaseline: 1 - cost / 10,
    tokens: { uncachedInput: 600_000, cacheReadInput: 200_000, cacheWriteInput: 0, output: 200_000 },
    cacheHits: { exact: 0, semantic: 0 },
    cacheHitRate: 0,
    prefixCacheHitRate: 0.25,
    tierShares: { premium: 1 },
    deploymentShares: { 'openai/gpt-5.5': 1 },
    budget: { downgraded: 0, rejected: 0, crossings: [] },
    latencyMs: { mean: 500, p50: 450, p95: 900 },
    cumulativeCostUsd: costs,
    ...extra,
  };
  return value;
}

function report(variants: VariantResult[]): ReplayReport {
  return {
    trace: {
      name: 'trace.jsonl',
      format: 'openai',
      requests: 100,
      startMs: START,
      endMs: START + HOUR,
      timed: true,
      notes: [],
    },
    prices: { catalogueDate: '2026-08-01' },
    notes: [],
    trafficTokens: 1_000_000,
    variants,
    bucketEndsMs: ENDS,
    projectionBasis: "this trace's 1.00 h of traffic, repeated for 30 days",
    elapsedMs: 1_234,
    cpuMs: 2_000,
    workerCpuMs: [900, 800],
  };
}

describe('replay chart', () => {
  test('draws cumulative cost over time per configuration, and says which save and which cost more', () => {
    const svg = renderReplayChart(
      report([
        result('baseline', 'baseline', [5, 10]),
        result('routing', 'routing only', [6, 12]),
        result('full', 'full', [2, 4], {
          tierShares: { cache: 0.4, fast: 0.6 },
        }),
      ]),
    );
    assert.match(svg, /^<svg [^>]*width="820"/);
    assert.match(svg, /\(60% less\)/);
    assert.match(svg, /\(20% more\)/);
    const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((match) =>
      (match[1] ?? '').split(' ').map((point) => point.split(',').map(Number) as [number, number]),
    );
    assert.equal(lines.length, 3);
    for (const points of lines) {
      assert.equal(points.length, 3, 'the origin, then one point per time bucket');
      // SVG y grows downwards: cumulative cost never falls, so y never rises.
      assert.ok(points.every((point, index) => index === 0 || point[1] <= (points[index - 1]?.[1] ?? 0)));
    }
    const endY = lines.map((points) => points.at(-1)?.[1] ?? 0);
    assert.ok((endY[1] ?? 0) < (endY[0] ?? 0) && (endY[0] ?? 0) < (endY[2] ?? 0), 'routing ends highest, full lowest');
  });
});

describe('replay table', () => {
  test('one column per configuration with cost, cost per 1M tokens, shares, monthly bill and copies marked', () => {
    const text = formatReplayTable(
      report([
        result('baseline', 'baseline', [5, 10]),
        result('cache', 'cache only', [5, 10], { sameAs: 'baseline' }),
        result('routing', 'routing only', [1, 2], {
          tierShares: { fast: 0.75, premium: 0.25 },
          routeReasons: { 'complexity … (length) → fast': 75, 'complexity … (codeMarkers) → premium': 25 },
          monthlyProjectionUsd: 1_440,
        }),
      ]),
    );
    assert.match(text, /Replay of trace\.jsonl \(openai\): 100 requests over 1\.00 h, 1,000,000 tokens/);
    assert.match(text, /baseline\s+cache only \(= baseline\)\s+routing only/);
    assert.match(text, /cost per 1M tokens\s+\$10\.00\s+\$10\.00\s+\$2\.00/);
    assert.match(text, /saving vs baseline\s+—\s+0\.0%\s+80\.0%/);
    assert.match(text, / {2}fast\s+—\s+—\s+75\.0%/);
    assert.match(text, /projected monthly bill\s+—\s+—\s+\$1,440/);
    assert.match(text, /complexity … \(length\) → fast\s+75\.0%/);
    assert.match(text, /2\.0 s of CPU; 2 worker processes: 0\.9 \+ 0\.8 s/);
  });

  test("the seeds' table: no negative zero, latency change, quality only where measured", () => {
    const text = formatSeedsComparison(
      report([
        result('baseline', 'baseline', [5, 10]),
        result('full', 'full', [2, 4], {
          tierShares: { cache: 0.5, premium: 0.5 - 1e-12 },
          latencyMs: { mean: 400, p50: 1, p95: 1 },
        }),
      ]),
    );
    assert.match(text, /spend reduction\s+47–80%\s+60\.0%/);
    assert.match(text, /rest routed to cheaper models\s+60–80%\s+0\.0%/);
    assert.doesNotMatch(text, /-0\.0%/);
    assert.match(text, /latency, full stack vs direct\s+-15% to -25%\s+-20\.0%/);
    assert.match(text, /quality\s+0% degradation\s+no outcomes in this trace\s+not measured\n/);
    assert.match(text, /spend reduction\s+47–80%\s+60\.0%\s+yes\n/);
    assert.match(
      text,
      /direct frontier API, \$ per 1M tokens\s+\$12\.00–15\.00\s+\$10\.00 \(baseline: [^)]+\)\s+no: below\n/,
    );
    assert.match(text, /rest routed to cheaper models\s+60–80%\s+0\.0%\s+no: below\n/);
    assert.match(text, /Reproduced: 2 of 7 measured rows fall inside the seeds' ranges\./);
    assert.match(text, /Quality is not measured: 0\.0% of the model calls went to cheaper tiers/);
  });
});

describe('route reasons', () => {
  test('count together when only their numbers differ; the deciding clause only', () => {
    assert.equal(
      routeReasonKey(
        'complexity 0.91 (codeMarkers, reasoningVerbs) → premium; cheapest first: anthropic/claude-opus-4-7',
      ),
      'complexity … (codeMarkers, reasoningVerbs) → premium',
    );
    assert.equal(
      routeReasonKey('learned: balanced (predicted 0.81, $0.00031): cheapest predicted ≥ 0.8 → balanced'),
      'learned: balanced (predicted …, …): cheapest predicted ≥ … → balanced',
    );
  });
});

describe('replay progress', () => {
  test('on a terminal: one line redrawn in place, at most every 100 ms, with trace time and wall time', () => {
    const written: string[] = [];
    let now = 0;
    const progress = createReplayProgress({
      output: { write: (text: string) => written.push(text), isTTY: true },
      total: 200,
      label: 'replay',
      now: () => now,
    });
    progress.update(50, 15 * 60_000);
    now = 50;
    progress.update(60, 16 * 60_000);
    now = 2_500;
    progress.update(200, 59 * 60_000 + 5_000);
    progress.finish();
    assert.equal(written.length, 3, 'the update 50 ms after the last draw is skipped; finish ends the line');
    assert.ok(
      written[0]?.startsWith('\r') && written[0].endsWith('\u001b[K'),
      'redrawn in place, rest of line cleared',
    );
    assert.match(written[0] ?? '', /replay \[######\.{18}\] {2}25% {2}50\/200 · 15m00s of traffic in 0\.0 s/);
    assert.match(written[1] ?? '', /100% {2}200\/200 · 59m05s of traffic in 2\.5 s/);
    assert.equal(written[2], '\n');
  });

  test('in a log: a line per tenth of the work', () => {
    const written: string[] = [];
    const progress = createReplayProgress({
      output: { write: (text: string) => written.push(text) },
      total: 1_000,
      label: 'replay',
      now: () => 0,
    });
    for (let done = 1; done <= 1_000; done++) progress.update(done, done * 1000);
    progress.finish();
    assert.equal(written.length, 11);
    assert.ok(written.every((line) => line.endsWith('\n') && !line.includes('\r')));
    assert.match(written.at(-1) ?? '', /100% {2}1,000\/1,000 · 16m40s of traffic/);
  });
});
