/**
 * One gateway process for `bench:resilience`: `node --import tsx bench-gateway-worker.ts SCENARIO`
 * where SCENARIO is JSON `{ layers: 'none' | 'memory' | 'redis', redisUrl?, prefix?, sqlitePath }`.
 * Prints one JSON line `{ url, key? }` when it listens, and stops on SIGTERM.
 */

import { validateConfig } from '../../src/config/load-config.js';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { createResilienceLayers, type ResilienceLayers } from '../../src/resilience/create-resilience-layers.js';

interface Scenario {
  layers: 'none' | 'memory' | 'redis';
  redisUrl?: string;
  prefix?: string;
  sqlitePath: string;
}

const scenario = JSON.parse(process.argv[2] ?? '{}') as Scenario;

/** Everything on, with limits far above the load, so that every path runs but nothing refuses. */
const config = {
  server: { port: 0 },
  storage: {
    ledger: 'off',
    sqlite_path: scenario.sqlitePath,
    shared_state: scenario.layers === 'redis' ? scenario.redisUrl : 'memory',
    shared_state_prefix: scenario.prefix ?? 'tollgate-bench:',
  },
  providers: [
    {
      name: 'sim',
      kind: 'simulated',
      limits: { rpm: 100_000_000, tpm: 1_000_000_000, max_concurrency: 10_000, queue_size: 1_000 },
      simulation: { ttft_ms: 0, tokens_per_second: 1_000_000, output_tokens: 20 },
      models: [{ name: 'sim-model', price_as: 'gpt-5.4-nano' }],
    },
  ],
  tiers: { fast: { deployments: ['sim/sim-model'] } },
  budgets:
    scenario.layers === 'none'
      ? []
      : [
          { scope: 'global', limit_usd: 1_000_000, window: 'day' },
          { scope: 'tenant', match: '*', limit_usd: 100_000, window: 'day' },
          { scope: 'feature', match: '*', limit_usd: 100_000, window: 'month' },
        ],
};

async function main(): Promise<void> {
  const logger = createLogger({ level: 'warn' });
  const environment: NodeJS.ProcessEnv = {};
  let layers: ResilienceLayers | undefined;
  let key: string | undefined;
  if (scenario.layers !== 'none') {
    const { config: validated } = validateConfig({ document: config, source: 'bench', environment });
    layers = await createResilienceLayers({ config: validated, logger, environment });
    key = (await layers.keys.create({ tenant: 'bench', budget: '100000/day', name: 'bench' })).key;
  }
  const gateway = await createGateway({
    config,
    environment,
    logger,
    simulation: { sleep: async () => {} },
    batch: false,
    ...(layers
      ? { budgets: layers.budgets, guard: layers.guard, latency: layers.latency, observers: [layers.observer] }
      : {}),
  });
  if (layers) gateway.core.keys = layers.keys.resolver;
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  process.stdout.write(`${JSON.stringify({ url, key })}\n`);
  process.once('SIGTERM', () => {
    void (async () => {
      await gateway.close();
      await layers?.close();
      process.exit(0);
    })();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
