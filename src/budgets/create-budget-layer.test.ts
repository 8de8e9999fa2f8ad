import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BudgetConfig } from '../config/config-schema.js';
import type { RequestContext } from '../gateway/request-context.js';
import { createLogger } from '../logging/create-logger.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { createMemorySharedState } from '../shared-state/memory-shared-state.js';
import { GatewayError } from '../spec/index.js';
import { createBudgetLayer } from './create-budget-layer.js';
import { type BudgetWebhookPayload, createBudgetWebhookSender } from './send-budget-webhook.js';

const logger = createLogger({ level: 'silent' });

function context(extra: { tenant?: string; priority?: 'interactive' | 'batch'; keyId?: string } = {}): RequestContext {
  return {
    requestId: `req-${Math.random()}`,
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: extra.tenant ?? 'acme',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: extra.priority ?? 'interactive',
    },
    keyId: extra.keyId,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

describe('the budget layer', () => {
  let receiver: Server;
  let webhookUrl: string;
  const received: BudgetWebhookPayload[] = [];
  before(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on('end', () => {
        received.push(JSON.parse(body) as BudgetWebhookPayload);
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const layerWith = (budgets: BudgetConfig[], keyBudgets: Record<string, number> = {}) =>
    createBudgetLayer({
      sharedState: createMemorySharedState(),
      budgets: () => budgets,
      keyBudget: (keyId) => {
        const limit = keyBudgets[keyId];
        return limit === undefined ? undefined : { limitUsd: limit, window: 'day' };
      },
      leaseMs: () => 60_000,
      webhook: createBudgetWebhookSender({ logger }),
      logger,
    });

  const tenantBudget = (extra: Partial<BudgetConfig> = {}): BudgetConfig => ({
    scope: 'tenant',
    match: '*',
    limit_usd: 1,
    window: 'day',
    fallback_at: 0.8,
    throttle_at: 0.95,
    ...extra,
  });

  it('reserves, reports remaining and level, settles to the actual cost and releases', async () => {
    const layer = layerWith([tenantBudget()]);
    const hold = await layer.reserve({ context: context(), maxCostUsd: 0.5 });
    assert.equal(hold.remainingUsd, 0.5);
    assert.deepEqual(await layer.state(context()), {
      level: 'ok',
      utilisation: 0.5,
      budget: 'tenant:acme/day',
      remainingUsd: 0.5,
      fallbackAt: 0.8,
      throttleAt: 0.95,
    });
    await hold.settle(0.85);
    const state = await layer.state(context());
    assert.equal(state.level, 'fallback');
    assert.ok(Math.abs((state.remainingUsd ?? 0) - 0.15) < 1e-9);
    const second = await layer.reserve({ context: context(), maxCostUsd: 0.1 });
    await second.release();
    assert.equal((await layer.state(context())).utilisation, 0.85);
    assert.equal((await layer.state(context({ tenant: 'globex' }))).utilisation, 0, 'tenants are counted apart');
  });

  it('refuses at the limit with a 429 naming the budget and its reset', async () => {
    const layer = layerWith([tenantBudget({ name: 'tenant-daily' })]);
    await (await layer.reserve({ context: context(), maxCostUsd: 0.9 })).settle(0.9);
    await assert.rejects(layer.reserve({ context: context(), maxCostUsd: 0.2 }), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'budget_exceeded');
      assert.equal(error.status, 429);
      assert.match(error.message, /Budget "tenant-daily:acme" is exhausted: \$0\.9000 of \$1\.0000/);
      assert.match(error.message, /resets at \d{4}-\d\d-\d\dT00:00:00\.000Z/);
      assert.ok((error.retryAfterMs ?? 0) > 0);
      return true;
    });
  });

  it('lets only interactive traffic through past the throttle threshold', async () => {
    const layer = layerWith([tenantBudget()]);
    await (await layer.reserve({ context: context(), maxCostUsd: 0.96 })).settle(0.96);
    assert.equal((await layer.state(context())).level, 'throttle');
    await assert.rejects(layer.reserve({ context: context({ priority: 'batch' }), maxCostUsd: 0.001 }), (error) => {
      assert.ok(error instanceof GatewayError && error.code === 'budget_exceeded');
      assert.match(error.message, /throttle threshold \(95%\): only interactive requests/);
      return true;
    });
    await (await layer.reserve({ context: context(), maxCostUsd: 0.001 })).release();
  });

  it("applies a key's own budget", async () => {
    const layer = layerWith([], { vk_small: 0.01 });
    await assert.rejects(
      layer.reserve({ context: context({ keyId: 'vk_small' }), maxCostUsd: 0.02 }),
      /key:vk_small\/day/,
    );
    const free = await layer.reserve({ context: context({ keyId: 'vk_other' }), maxCostUsd: 0.02 });
    assert.equal(free.remainingUsd, undefined, 'no budget applies');
  });

  it('fires the webhook once per threshold crossing', async () => {
    received.length = 0;
    const layer = layerWith([tenantBudget({ webhook_url: webhookUrl })]);
    const spend = async (usd: number) => (await layer.reserve({ context: context(), maxCostUsd: usd })).settle(usd);
    await spend(0.5);
    await spend(0.31);
    await spend(0.01);
    await spend(0.15);
    await assert.rejects(layer.reserve({ context: context(), maxCostUsd: 0.1 }));
    await assert.rejects(layer.reserve({ context: context(), maxCostUsd: 0.1 }));
    for (let tries = 0; received.length < 3 && tries < 100; tries++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(
      received.map((event) => event.threshold),
      ['fallback', 'throttle', 'limit'],
    );
    const first = received[0] as BudgetWebhookPayload;
    assert.equal(first.budget, 'tenant:acme/day');
    assert.equal(first.limit_usd, 1);
    assert.ok(Math.abs(first.spent_usd - 0.81) < 1e-9);
  });

  it('lists the budgets it has seen with their utilisation', async () => {
    const layer = layerWith([tenantBudget(), { ...tenantBudget(), scope: 'global', limit_usd: 100 }]);
    await (await layer.reserve({ context: context(), maxCostUsd: 0.5 })).settle(0.25);
    const snapshot = await layer.snapshot();
    assert.deepEqual(
      snapshot.map((entry) => [entry.name, entry.utilisation, entry.level]),
      [
        ['global/day', 0.0025, 'ok'],
        ['tenant:acme/day', 0.25, 'ok'],
      ],
    );
  });
});
