import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createHashingEmbedder } from '../../src/cache/semantic/__fixtures__/create-hashing-embedder.js';
import { defaultReplayConfig } from '../../src/replay/engine/default-replay-config.js';
import { parseScaleFlag } from '../../src/replay/engine/price-scenario.js';
import type { ReplayReport, VariantResult } from '../../src/replay/engine/replay-report.js';
import { runReplay } from '../../src/replay/engine/run-replay.js';
import { parseAzureTrace } from '../../src/replay/trace/read-azure-trace.js';
import { parseMooncakeTrace } from '../../src/replay/trace/read-mooncake-trace.js';
import { parseOpenAiJsonl } from '../../src/replay/trace/read-openai-jsonl.js';

const START = Date.UTC(2026, 2, 3, 9, 0, 0);
const SYSTEM = 'You are the support assistant of a hosting company. Answer briefly and politely.';
const QUESTIONS = [
  'How do I reset my password?',
  'Where can I download my invoice?',
  'How do I reset my password?',
  'Compare three strategies to migrate a sharded PostgreSQL cluster to a new region with zero downtime; analyse the risks, derive a step by step plan and justify the trade-offs for compliance and cost.',
  'Where can I download my invoice?',
];

/** A small trace the tests build: repeated questions (exact-cache hits) and one hard question. */
function supportTrace(count: number, spanMs = 600_000, extra: (index: number) => Record<string, unknown> = () => ({})) {
  const lines = Array.from({ length: count }, (_, index) =>
    JSON.stringify({
      timestamp: START + Math.round((index * spanMs) / Math.max(1, count - 1)),
      tenant: 'acme',
      feature: 'faq',
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: QUESTIONS[index % QUESTIONS.length] },
      ],
      ...extra(index),
    }),
  );
  return parseOpenAiJsonl(lines.join('\n'), { name: 'support.jsonl' });
}

function variant(report: ReplayReport, name: string): VariantResult {
  const found = report.variants.find((result) => result.name === name);
  assert.ok(found, `no ${name} column`);
  return found;
}

function sumOf(shares: Record<string, number>): number {
  return Object.values(shares).reduce((sum, share) => sum + share, 0);
}

describe('replay of a small JSONL trace', () => {
  test('baseline costs at least the full stack, exact repeats hit the cache, shares sum to 1', async () => {
    const report = await runReplay({ trace: supportTrace(20), embedder: createHashingEmbedder() });
    assert.deepEqual(
      report.variants.map((result) => result.name),
      ['baseline', 'cache', 'routing', 'full'],
    );
    const baseline = variant(report, 'baseline');
    const cache = variant(report, 'cache');
    const full = variant(report, 'full');
    assert.equal(baseline.requests, 20);
    assert.equal(baseline.succeeded, 20);
    assert.ok(baseline.costUsd > 0);
    assert.ok(baseline.costUsd >= full.costUsd, `baseline ${baseline.costUsd} < full ${full.costUsd}`);
    // 3 distinct questions in 20 requests: everything after the first of each is an exact repeat.
    assert.equal(cache.cacheHits.exact, 17);
    assert.equal(baseline.cacheHits.exact + baseline.cacheHits.semantic, 0);
    assert.ok(cache.costUsd < baseline.costUsd);
    for (const result of report.variants) {
      assert.ok(Math.abs(sumOf(result.tierShares) - 1) < 1e-9, `${result.name} tier shares`);
      if (Object.keys(result.deploymentShares).length > 0) {
        assert.ok(Math.abs(sumOf(result.deploymentShares) - 1) < 1e-9, `${result.name} deployment shares`);
      }
    }
    assert.deepEqual(baseline.deploymentShares, { 'openai/gpt-5.5': 1 });
    assert.equal(baseline.costPerMillionTokensUsd, (baseline.costUsd / report.trafficTokens) * 1e6);
    assert.equal(full.cumulativeCostUsd.at(-1)?.toFixed(12), full.costUsd.toFixed(12));
    assert.ok(full.savingVsBaseline > 0);
  });

  test('a trace spanning an hour replays in a small fraction of a second per request', async () => {
    const trace = supportTrace(100, 3_600_000);
    const started = performance.now();
    const report = await runReplay({ trace, variants: ['routing'] });
    const wallMs = performance.now() - started;
    const routing = variant(report, 'routing');
    assert.equal(routing.requests, 100);
    assert.equal(report.trace.endMs - report.trace.startMs, 3_600_000);
    // Every answer took simulated time (time to first token and decode on the virtual clock)...
    assert.ok(routing.latencyMs.p50 > 100, `simulated latency ${routing.latencyMs.p50} ms`);
    // ...yet an hour of traffic through two configurations took a sliver of it: on real timers the 200
    // answers' time to first token alone (350 ms each) would take 70 s. The bound leaves room for a
    // loaded machine.
    assert.ok(wallMs < 30_000, `an hour of 100 requests took ${wallMs.toFixed(0)} ms of wall time`);
    assert.ok(routing.latencyMs.p50 * 200 > 30_000);
  });

  test('scaling every price by 2 doubles every cost and moves nothing', async () => {
    const trace = supportTrace(10);
    const embedder = createHashingEmbedder();
    const today = await runReplay({ trace, embedder });
    const doubled = await runReplay({
      trace,
      embedder,
      scenario: { name: 'all ×2', pricing: {}, scales: [parseScaleFlag('all:2')] },
    });
    for (const name of ['baseline', 'cache', 'routing', 'full']) {
      const before = variant(today, name);
      const after = variant(doubled, name);
      assert.ok(
        Math.abs(after.costUsd - 2 * before.costUsd) < 1e-9,
        `${name}: ${after.costUsd} vs 2×${before.costUsd}`,
      );
      assert.deepEqual(after.deploymentShares, before.deploymentShares);
    }
    assert.equal(variant(doubled, 'full-current').costUsd.toFixed(12), variant(today, 'full').costUsd.toFixed(12));
    assert.match(doubled.prices.scenario ?? '', /all prices ×2/);
  });

  test('a dearer provider loses traffic to its cheaper peer in the same tier', async () => {
    // Short, simple questions go to the fast tier, where the cost rule picks deepseek-chat over
    // gpt-5.4-nano at today's prices; at three times deepseek's prices, nano is the cheaper one.
    const lines = Array.from({ length: 6 }, (_, index) =>
      JSON.stringify({
        timestamp: START + index * 1000,
        headers: { 'x-tollgate-cache': 'off' },
        messages: [{ role: 'user', content: `What is the opening time of office number ${index}?` }],
      }),
    );
    const trace = parseOpenAiJsonl(lines.join('\n'), { name: 'short.jsonl' });
    const report = await runReplay({
      trace,
      variants: ['full'],
      embedder: createHashingEmbedder(),
      scenario: { name: 'deepseek ×3', pricing: {}, scales: [parseScaleFlag('provider=deepseek:3')] },
    });
    const today = variant(report, 'full-current');
    const scenario = variant(report, 'full');
    assert.deepEqual(today.deploymentShares, { 'deepseek/deepseek-chat': 1 });
    assert.deepEqual(scenario.deploymentShares, { 'openai/gpt-5.4-nano': 1 });
  });

  test('budget events: thresholds crossed and requests refused are counted, never in the baseline', async () => {
    const config = {
      ...defaultReplayConfig(),
      budgets: [{ scope: 'tenant', match: 'acme', limit_usd: 0.01, window: 'day' }],
    };
    const report = await runReplay({ trace: supportTrace(12), config, embedder: createHashingEmbedder() });
    const baseline = variant(report, 'baseline');
    const cache = variant(report, 'cache');
    assert.deepEqual(baseline.budget, { downgraded: 0, rejected: 0, crossings: [] });
    assert.ok(cache.budget.crossings.length > 0, 'the tenant budget was crossed');
    assert.ok(cache.budget.rejected > 0, 'requests past the limit were refused');
    assert.equal(cache.errors.budget_exceeded, cache.budget.rejected);
    assert.equal(cache.tierShares.failed, cache.budget.rejected / cache.requests);
    assert.ok(cache.costUsd <= 0.01 + 1e-9, `spend ${cache.costUsd} stays within the $0.01 limit`);
  });

  test('quality is measured from the outcomes the trace carries', async () => {
    // The cheap tier fails every question; the balanced and premium tiers answer them all.
    const trace = supportTrace(8, 60_000, () => ({ outcomes: { fast: 0, balanced: 1, premium: 1 } }));
    const report = await runReplay({ trace, variants: ['routing', 'full'], embedder: createHashingEmbedder() });
    assert.equal(variant(report, 'baseline').quality?.mean, 1);
    const routing = variant(report, 'routing');
    const fastShare = routing.tierShares.fast ?? 0;
    assert.ok(fastShare > 0, 'some questions went to the fast tier');
    assert.ok(Math.abs((routing.quality?.mean ?? 0) - (1 - fastShare)) < 1e-9);
  });
});

describe('replay of token-count traces', () => {
  test('Azure-style rows: no answer-cache hits, outputs of the recorded size', async () => {
    const rows = Array.from(
      { length: 12 },
      (_, index) => `2023-11-16 18:15:${String(index).padStart(2, '0')}.0,${300 + index},${20 + index}`,
    );
    const trace = parseAzureTrace(['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows].join('\n'), {
      name: 'azure.csv',
    });
    const report = await runReplay({ trace });
    for (const result of report.variants) {
      assert.equal(result.cacheHits.exact + result.cacheHits.semantic, 0, result.name);
      assert.equal(result.succeeded, 12);
      assert.equal(
        result.tokens.output,
        rows.reduce((sum, _row, index) => sum + 20 + index, 0),
        result.name,
      );
    }
    const baseline = variant(report, 'baseline');
    assert.equal(
      baseline.tokens.uncachedInput + baseline.tokens.cacheReadInput,
      rows.reduce((sum, _row, index) => sum + 300 + index, 0),
    );
  });

  test('Mooncake-style shared blocks are read from the provider prefix cache', async () => {
    const rows = [
      { timestamp: 0, input_length: 2000, output_length: 30, hash_ids: [1, 2, 3, 4] },
      { timestamp: 30_000, input_length: 2500, output_length: 30, hash_ids: [1, 2, 3, 5, 6] },
      { timestamp: 60_000, input_length: 3000, output_length: 30, hash_ids: [1, 2, 3, 5, 6, 7] },
    ];
    const trace = parseMooncakeTrace(rows.map((row) => JSON.stringify(row)).join('\n'), { name: 'mooncake.jsonl' });
    const report = await runReplay({ trace, variants: ['cache'] });
    const baseline = variant(report, 'baseline');
    // OpenAI-style automatic caching: the second and third prompts start with the first's 1,536+ tokens.
    assert.ok(baseline.tokens.cacheReadInput >= 2 * 1024, `cache reads ${baseline.tokens.cacheReadInput}`);
    assert.ok(baseline.prefixCacheHitRate > 0.25);
    // OpenAI-style providers cache by themselves: with the gateway's prefix caching (which removes the
    // delimiters) or without (the baseline, sent prompts without them) they read the same prefixes.
    assert.deepEqual(variant(report, 'cache').tokens, baseline.tokens);
  });
});
