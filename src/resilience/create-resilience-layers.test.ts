import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import { createRuntime } from '../gateway/create-runtime.js';
import type { Deployment } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import { createLogger } from '../logging/create-logger.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { GatewayError } from '../spec/index.js';
import { createResilienceLayers } from './create-resilience-layers.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 1;
      probe.close(() => resolve(port));
    });
  });
}

const context: RequestContext = {
  requestId: 'r',
  startedAt: performance.now(),
  startedAtEpochMs: Date.now(),
  protocol: openAiProtocol,
  directives: {
    tenant: 'acme',
    feature: 'default',
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
};

describe('the layers when Redis is down', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-layers-'));
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('refuse budgeted requests with a clear error (never spend blind), let attempts through, and report not ready', async () => {
    const document = {
      storage: {
        ledger: 'off',
        sqlite_path: join(folder, 'keys.db'),
        shared_state: `redis://127.0.0.1:${await closedPort()}`,
      },
      providers: [
        { name: 'sim', kind: 'simulated', limits: { rpm: 100 }, models: [{ name: 'm', price_as: 'gpt-5.4-nano' }] },
      ],
      budgets: [{ scope: 'tenant', limit_usd: 1 }],
    };
    const { config } = validateConfig({ document, source: 'test', environment: {} });
    const layers = await createResilienceLayers({ config, logger: createLogger({ level: 'silent' }), environment: {} });
    try {
      await assert.rejects(layers.budgets.reserve({ context, maxCostUsd: 0.01 }), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'internal');
        assert.match(error.message, /Shared state \(Redis\) failed/);
        return true;
      });
      const runtime = createRuntime({
        config,
        simulated: false,
        transport: async () => {
          throw new Error('unused');
        },
        environment: {},
      });
      const deployment = runtime.deployments.get('sim/m') as Deployment;
      const release = await layers.guard.acquire({ deployment, context, estimatedInputTokens: 10 });
      release();
      assert.equal(await layers.ready(), false);
    } finally {
      await layers.close();
    }
  });
});
