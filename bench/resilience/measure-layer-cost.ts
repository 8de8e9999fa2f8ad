import { validateConfig } from '../../src/config/load-config.js';
import { createRuntime } from '../../src/gateway/create-runtime.js';
import type { Deployment } from '../../src/gateway/deployment.js';
import type { RequestContext } from '../../src/gateway/request-context.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { openAiProtocol } from '../../src/protocols/openai/openai-protocol.js';
import { createResilienceLayers } from '../../src/resilience/create-resilience-layers.js';

/** Per-request cost of the layers alone, in microseconds. */
export interface LayerCost {
  store: 'memory' | 'redis';
  /** One request at a time. */
  p50Us: number;
  p99Us: number;
  /** Requests per second through the layers with `concurrency` in flight. */
  concurrentPerSecond: number;
  concurrency: number;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? Number.NaN;
}

/**
 * The exact work the layers add to one request, without HTTP: budget state and reserve (three
 * budgets), breaker + RPM + TPM admit, a concurrency slot, the attempt report, the settle. This is
 * what the gateway pays per request on top of the core, measured at microsecond precision.
 */
export async function measureLayerCost(options: {
  store: 'memory' | 'redis';
  redisUrl: string;
  prefix: string;
  sqlitePath: string;
  iterations: number;
  concurrency: number;
}): Promise<LayerCost> {
  const document = {
    storage: {
      ledger: 'off',
      sqlite_path: options.sqlitePath,
      shared_state: options.store === 'redis' ? options.redisUrl : 'memory',
      shared_state_prefix: options.prefix,
    },
    providers: [
      {
        name: 'sim',
        kind: 'simulated',
        limits: { rpm: 100_000_000, tpm: 1_000_000_000, max_concurrency: 10_000 },
        models: [{ name: 'sim-model', price_as: 'gpt-5.4-nano' }],
      },
    ],
    budgets: [
      { scope: 'global', limit_usd: 1_000_000, window: 'day' },
      { scope: 'tenant', match: '*', limit_usd: 100_000, window: 'day' },
      { scope: 'feature', match: '*', limit_usd: 100_000, window: 'month' },
    ],
  };
  const { config } = validateConfig({ document, source: 'bench', environment: {} });
  const runtime = createRuntime({
    config,
    simulated: false,
    transport: async () => {
      throw new Error('no upstream calls in this measurement');
    },
    environment: {},
  });
  const deployment = runtime.deployments.get('sim/sim-model') as Deployment;
  const layers = await createResilienceLayers({ config, logger: createLogger({ level: 'silent' }), environment: {} });
  const context = (index: number): RequestContext => ({
    requestId: `bench-${index}`,
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    protocol: openAiProtocol,
    directives: {
      tenant: `tenant-${index % 10}`,
      feature: 'chat',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  });
  const once = async (index: number): Promise<void> => {
    const ctx = context(index);
    await layers.budgets.state(ctx);
    const hold = await layers.budgets.reserve({ context: ctx, maxCostUsd: 0.001 });
    const release = await layers.guard.acquire({ deployment, context: ctx, estimatedInputTokens: 40 });
    release();
    layers.guard.report({ deployment, error: undefined, latencyMs: 1, ttftMs: undefined });
    await hold.settle(0.0004);
  };
  try {
    for (let index = 0; index < 500; index++) await once(index);
    const timings: number[] = [];
    for (let index = 0; index < options.iterations; index++) {
      const started = performance.now();
      await once(index);
      timings.push((performance.now() - started) * 1000);
    }
    timings.sort((a, b) => a - b);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.iterations) await once(next++);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return {
      store: options.store,
      p50Us: percentile(timings, 0.5),
      p99Us: percentile(timings, 0.99),
      concurrentPerSecond: options.iterations / seconds,
      concurrency: options.concurrency,
    };
  } finally {
    await layers.close();
  }
}
