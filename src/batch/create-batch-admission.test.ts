import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../config/config-schema.js';
import type { RequestContext } from '../gateway/request-context.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { GatewayError } from '../spec/index.js';
import type { BudgetLayer, BudgetState } from '../stages/budget/budget-layer.js';
import { BatchCapacity } from './batch-capacity.js';
import { createBatchAdmission } from './create-batch-admission.js';

const context: RequestContext = {
  requestId: 'single-batch-request',
  startedAt: 0,
  startedAtEpochMs: 0,
  protocol: openAiProtocol,
  directives: {
    tenant: 'acme',
    feature: 'default',
    dataResidency: 'any',
    latencyBudgetMs: undefined,
    minQuality: undefined,
    cache: 'on',
    priority: 'batch',
  },
  keyId: undefined,
  warnings: [],
  abort: new AbortController(),
  upstreamMs: 0,
};

function budgets(level: () => BudgetState['level']): BudgetLayer {
  return {
    state: async () => ({ level: level(), utilisation: 0.97, budget: 'tenant:acme/day', remainingUsd: 0.03 }),
    reserve: async () => ({ settle: async () => {}, release: async () => {}, remainingUsd: undefined }),
  };
}

const config = configSchema.parse({ batch: { queue_timeout_ms: 300, poll_interval_ms: 20 } }).batch;

describe('admission of single x-tollgate-priority: batch requests', () => {
  it('queues a request while its budget is past throttle_at and lets it through when room opens', async () => {
    let level: BudgetState['level'] = 'throttle';
    const capacity = new BatchCapacity(() => 1);
    const admit = createBatchAdmission({ capacity, budgets: () => budgets(() => level), config: () => config });
    let admitted = false;
    const pending = admit({ context }).then((release) => {
      admitted = true;
      return release;
    });
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(admitted, false, 'waiting, not refused');
    level = 'fallback';
    const release = await pending;
    assert.equal(capacity.inFlight, 1, 'it holds a batch slot until it settles');
    release();
    assert.equal(capacity.inFlight, 0);
  });

  it('answers 429 naming the budget once batch.queue_timeout_ms has passed', async () => {
    const admit = createBatchAdmission({
      capacity: new BatchCapacity(() => 1),
      budgets: () => budgets(() => 'throttle'),
      config: () => config,
    });
    const started = Date.now();
    await assert.rejects(admit({ context }), (error) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'budget_exceeded');
      assert.equal(error.status, 429);
      assert.match(error.message, /tenant:acme\/day.*batch\.queue_timeout_ms/);
      return true;
    });
    assert.ok(Date.now() - started >= 280, 'it waited the queue timeout first');
  });
});
