import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { contextForHeaders } from '../../src/batch/check-budget-room.js';
import { acmeDailyBudgets, type BatchTestGateway, startBatchGateway, waitFor } from './start-batch-gateway.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** One simulated provider whose first token takes `ttftMs` (real sleeps: the test measures order in time). */
function slowConfig(ttftMs: number, batch: Record<string, unknown>): Record<string, unknown> {
  return {
    providers: [
      {
        name: 'sim',
        kind: 'simulated',
        simulation: { protocol: 'openai', ttft_ms: ttftMs, tokens_per_second: 2_000 },
        models: [{ name: 'small', price_as: 'gpt-5.4-nano' }],
      },
    ],
    tiers: { fast: { deployments: ['sim/small'] } },
    batch: { provider_batches: { enabled: false }, ...batch },
  };
}

const question = (text: string) => ({
  model: 'fast',
  messages: [{ role: 'user' as const, content: text }],
  max_tokens: 8,
});

describe('single x-tollgate-priority: batch requests on the mounted lane', () => {
  describe('while interactive traffic holds the batch capacity', () => {
    let harness: BatchTestGateway;
    let client: OpenAI;
    before(async () => {
      harness = await startBatchGateway({
        simulation: {},
        config: slowConfig(2_500, { concurrency: 1, min_concurrency: 0, queue_timeout_ms: 10_000 }),
      });
      client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    after(() => harness.close());

    it('queues the batch request until the interactive one has finished, then serves it', async () => {
      const finished: string[] = [];
      const interactive = client.chat.completions.create(question('interactive')).then((answer) => {
        finished.push('interactive');
        return answer;
      });
      // The interactive request is in the gateway (its first token takes 2.5 s) before the batch one is sent.
      await waitFor(
        async () => harness.lane.load.inFlight,
        (inFlight) => inFlight === 1,
        { what: 'the interactive request to be counted as interactive load', intervalMs: 10 },
      );
      const queued = client.chat.completions
        .create(question('batch'), { headers: { 'x-tollgate-priority': 'batch' } })
        .then((answer) => {
          finished.push('batch');
          return answer;
        });
      await waitFor(
        async () => harness.lane.capacity.queued,
        (queued) => queued === 1,
        { what: 'the batch request to wait for a slot instead of being refused', intervalMs: 10 },
      );
      assert.equal(finished.length, 0, 'the interactive request was still running while the batch one waited');
      const scraped = await (await fetch(`${harness.url}/metrics`)).text();
      assert.match(scraped, /^tollgate_batch_queue_depth 1$/m, 'the waiting request shows in /metrics');
      const [first, second] = await Promise.all([interactive, queued]);
      assert.deepEqual(finished, ['interactive', 'batch']);
      assert.ok(first.choices[0]?.message.content);
      assert.ok(second.choices[0]?.message.content);
      assert.equal(harness.lane.capacity.inFlight, 0, 'the slot was given back after the request settled');
      assert.match(await (await fetch(`${harness.url}/metrics`)).text(), /^tollgate_batch_queue_depth 0$/m);
      await harness.ledger.flush();
      const rows = await harness.ledger.recentRequests({ limit: 10 });
      assert.deepEqual(rows.map((row) => row.batch).sort(), [false, true]);
    });
  });

  describe('while a budget is past throttle_at', () => {
    let clock = Date.UTC(2026, 0, 10, 12);
    const budgets = acmeDailyBudgets(() => clock);
    let harness: BatchTestGateway;
    let client: OpenAI;
    before(async () => {
      harness = await startBatchGateway({
        budgets,
        config: slowConfig(0, { poll_interval_ms: 50, queue_timeout_ms: 2_000 }),
      });
      client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    after(() => harness.close());

    it('holds the request while the budget is throttled and sends it once the window resets', async () => {
      const headers = { 'x-tollgate-tenant': 'acme' };
      const interactive = contextForHeaders(harness.gateway.core, headers);
      assert.ok(interactive);
      await (await budgets.reserve({ context: interactive, maxCostUsd: 0.96 })).settle(0.96);
      const pending = client.chat.completions.create(question('later please'), {
        headers: { ...headers, 'x-tollgate-priority': 'batch' },
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await harness.ledger.flush();
      assert.equal((await harness.ledger.recentRequests({ limit: 10 })).length, 0, 'nothing sent while throttled');
      clock += DAY_MS;
      const answer = await pending;
      assert.ok(answer.choices[0]?.message.content);
      await harness.ledger.flush();
      const [row] = await harness.ledger.recentRequests({ limit: 10 });
      assert.equal(row?.batch, true);
      assert.equal(row?.outcome, 'success');
    });

    it('gives up with a 429 naming the budget after batch.queue_timeout_ms, and spends nothing', async () => {
      const headers = { 'x-tollgate-tenant': 'acme' };
      const interactive = contextForHeaders(harness.gateway.core, headers);
      assert.ok(interactive);
      await (await budgets.reserve({ context: interactive, maxCostUsd: 0.96 })).settle(0.96);
      const error = await client.chat.completions
        .create(question('never'), { headers: { ...headers, 'x-tollgate-priority': 'batch' } })
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      assert.ok(error instanceof OpenAI.APIError, 'an OpenAI-shaped error');
      assert.equal(error.status, 429);
      assert.match(error.message, /acme|throttle/);
      await harness.ledger.flush();
      const rows = await harness.ledger.recentRequests({ limit: 10 });
      const refused = rows.find((row) => row.outcome !== 'success');
      assert.ok(refused, 'the refusal is in the ledger');
      assert.equal(refused.costUsd, 0);
    });
  });
});
