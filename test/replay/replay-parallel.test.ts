import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { validateConfig } from '../../src/config/load-config.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';
import type { SimulationHooks } from '../../src/providers/create-provider-adapter.js';
import type { SimulatedProviderOptions } from '../../src/providers/simulated/simulated-provider-options.js';
import { defaultReplayConfig } from '../../src/replay/engine/default-replay-config.js';
import { injectRequest } from '../../src/replay/engine/inject-request.js';
import { REPLAY_PREFIX_CACHE_ENTRIES, replayVariants } from '../../src/replay/engine/replay-lanes.js';
import type { ReplayReport, VariantResult } from '../../src/replay/engine/replay-report.js';
import { deriveVariants, prepareReplayConfig } from '../../src/replay/engine/replay-variants.js';
import { runReplay } from '../../src/replay/engine/run-replay.js';
import { fillerParts } from '../../src/replay/trace/filler-text.js';
import { parseAzureTrace } from '../../src/replay/trace/read-azure-trace.js';
import { loadTrace } from '../../src/replay/trace/read-trace.js';

const directory = mkdtempSync(join(tmpdir(), 'tollgate-replay-parallel-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Azure-style rows of varied sizes, a few seconds apart. */
function azureCsv(count: number): string {
  const rows = Array.from({ length: count }, (_, index) => {
    const at = new Date(Date.UTC(2023, 10, 16, 18, 0, 0) + index * 1_700).toISOString().replace('T', ' ');
    return `${at.slice(0, -1)},${200 + ((index * 397) % 3_000)},${5 + ((index * 53) % 400)}`;
  });
  return ['TIMESTAMP,ContextTokens,GeneratedTokens', ...rows].join('\n');
}

/** Every number equal within floating-point rounding (sums in another order), everything else equal. */
function assertClose(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(
      Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
      `${path}: ${actual} ≠ ${expected}`,
    );
    return;
  }
  if (typeof expected !== 'object' || expected === null) {
    assert.equal(actual, expected, path);
    return;
  }
  assert.equal(typeof actual, 'object', path);
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual as object)]);
  for (const key of keys) {
    assertClose((actual as Record<string, unknown>)[key], (expected as Record<string, unknown>)[key], `${path}.${key}`);
  }
}

function comparable(report: ReplayReport): unknown {
  return { variants: report.variants, trafficTokens: report.trafficTokens, notes: report.notes };
}

function column(report: ReplayReport, name: string): VariantResult {
  const found = report.variants.find((result) => result.name === name);
  assert.ok(found, `no ${name} column`);
  return found;
}

describe('columns equal by construction', () => {
  test('on prompts that share no text the cache layer changes nothing: full equals routing only', async () => {
    // Every tier on Anthropic models, where the gateway would place cache_control breakpoints if it
    // found a system prompt or a delimiter: the case where "full" could differ from "routing only".
    const document = {
      ...defaultReplayConfig(),
      tiers: {
        fast: { deployments: ['anthropic/claude-haiku-4-5'] },
        balanced: { deployments: ['anthropic/claude-sonnet-4-6'] },
        premium: { deployments: ['anthropic/claude-opus-4-7'] },
      },
      baseline: 'anthropic/claude-sonnet-4-6',
    };
    const trace = parseAzureTrace(azureCsv(40), { name: 'azure.csv' });
    const { config } = validateConfig({ document, source: 'test', environment: {} });
    const prepared = prepareReplayConfig({ config, longestOutputTokens: trace.longestOutputTokens ?? 1 });
    const lanes = deriveVariants(prepared.config).map((variant, index) => ({
      variant: {
        ...variant,
        config: {
          ...variant.config,
          cache: { ...variant.config.cache, semantic: { ...variant.config.cache.semantic, enabled: false } },
        },
      },
      seed: index + 1,
    }));
    const outcomes = await replayVariants({
      requests: trace.requests,
      variants: lanes,
      logger: createLogger({ level: 'silent' }),
      bucketEndsMs: [trace.requests.at(-1)?.atMs ?? 0],
      prefetch: 0,
    });
    const byName = new Map(outcomes.map((outcome) => [outcome.result.name, outcome.result]));
    const strip = ({ name: _name, label: _label, model: _model, ...rest }: VariantResult) => rest;
    assert.deepEqual(strip(byName.get('full') as VariantResult), strip(byName.get('routing') as VariantResult));
    assert.deepEqual(strip(byName.get('cache') as VariantResult), strip(byName.get('baseline') as VariantResult));
    assert.ok((byName.get('routing')?.costUsd ?? 0) > 0);

    // So runReplay shows them as copies, saying so, and replays two configurations instead of four.
    const report = await runReplay({ trace, config: document });
    assert.deepEqual(
      report.variants.map((result) => [result.name, result.sameAs]),
      [
        ['baseline', undefined],
        ['cache', 'baseline'],
        ['routing', undefined],
        ['full', 'routing'],
      ],
    );
    assert.equal(column(report, 'full').costUsd, column(report, 'routing').costUsd);
    assert.equal(column(report, 'full').label, 'full');
    assert.match(report.notes.join(' '), /"full" = "routing only"/);
  });

  test('a budget keeps "cache only" replayed: the baseline runs without budgets', async () => {
    const trace = parseAzureTrace(azureCsv(6), { name: 'azure.csv' });
    const config = {
      ...defaultReplayConfig(),
      budgets: [{ scope: 'global', limit_usd: 0.001, window: 'day' }],
    };
    const report = await runReplay({ trace, config });
    assert.equal(column(report, 'cache').sameAs, undefined);
    assert.ok(column(report, 'cache').budget.rejected > 0);
    assert.equal(column(report, 'full').sameAs, 'routing');
  });
});

describe('replay in worker processes', () => {
  test('slices of a trace of independent requests add up to the one-process replay', async () => {
    const path = join(directory, 'azure.csv');
    writeFileSync(path, azureCsv(90));
    const source = { paths: [path] };
    const trace = await loadTrace(source);
    const inProcess = await runReplay({ trace, threads: 1 });
    const inWorkers = await runReplay({ trace, source, threads: 2 });
    assertClose(comparable(inWorkers), comparable(inProcess));
    assert.ok((inWorkers.cpuMs ?? 0) > 0);
  });

  test('prompts embedded ahead by every worker give the same cache hits as embedding in one process', async () => {
    const path = join(directory, 'support.jsonl');
    const questions = [
      'How do I reset my password?',
      'How can I reset my password?',
      'Where can I download my invoice?',
      'Where do I download my invoices?',
      'How do I reset my password?',
      'What is the refund policy for annual plans?',
    ];
    writeFileSync(
      path,
      questions
        .map((content, index) =>
          JSON.stringify({
            timestamp: Date.UTC(2026, 2, 3, 9, 0, index),
            tenant: 'acme',
            temperature: 0,
            messages: [
              { role: 'system', content: 'You are the support assistant of a hosting company.' },
              { role: 'user', content },
            ],
          }),
        )
        .join('\n'),
    );
    const source = { paths: [path] };
    const trace = await loadTrace(source);
    const inProcess = await runReplay({ trace, variants: ['cache', 'full'], threads: 1 });
    const inWorkers = await runReplay({ trace, source, variants: ['cache', 'full'], threads: 2 });
    assertClose(comparable(inWorkers), comparable(inProcess));
    assert.equal(column(inWorkers, 'cache').cacheHits.exact, 1);
  });
});

describe('simulated prefix caches in a replay', () => {
  test('the cache size the replay gives the simulated providers reaches them through createGateway', async () => {
    // Two prompts of ~1,150 tokens: OpenAI-style caching remembers one prefix of each (1,024 tokens).
    // A, then B, then A again: A's prefix survives B only in a cache of more than one entry.
    const prompt = (seed: number) => fillerParts({ tokens: 1_146, seed }).join('');
    const config = {
      providers: [{ name: 'sim', kind: 'simulated', models: [{ name: 'm', price_as: 'gpt-5.5' }] }],
      storage: { ledger: 'off' },
    };
    const cachedOnThirdRequest = async (hooks: SimulationHooks): Promise<number> => {
      const gateway = await createGateway({
        config,
        environment: {},
        logger: createLogger({ level: 'silent' }),
        simulation: hooks,
        batch: false,
      });
      let cached = 0;
      try {
        for (const seed of [1, 2, 1]) {
          const response = await injectRequest({
            handle: gateway.handle,
            method: 'POST',
            path: '/v1/chat/completions',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              model: 'sim/m',
              max_tokens: 5,
              messages: [{ role: 'user', content: prompt(seed) }],
            }),
          });
          const usage = (
            JSON.parse(response.body) as { usage?: { prompt_tokens_details?: { cached_tokens?: number } } }
          ).usage;
          cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
        }
      } finally {
        await gateway.close();
      }
      return cached;
    };
    const small: SimulationHooks & Pick<SimulatedProviderOptions, 'prefixCacheEntries'> = { prefixCacheEntries: 1 };
    assert.equal(await cachedOnThirdRequest(small), 0);
    assert.equal(await cachedOnThirdRequest({}), 1_024);
    assert.ok(REPLAY_PREFIX_CACHE_ENTRIES >= (100 * 10_000) / 2, 'room for ten minutes of Mooncake-sized prompts');
  });
});
