import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { contextForHeaders } from '../../src/batch/check-budget-room.js';
import { twoProtocolConfig } from '../support/start-test-gateway.js';
import { acmeDailyBudgets, type BatchTestGateway, startBatchGateway, waitFor } from './start-batch-gateway.js';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('a batch waits while its budget is past throttle_at, and runs when the window resets', () => {
  let clock = Date.UTC(2026, 0, 10, 12);
  /** How far the lane's own clock is ahead of real time: moved to let a batch outlive its 24 hours. */
  let laneAhead = 0;
  const budgets = acmeDailyBudgets(() => clock);
  let harness: BatchTestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startBatchGateway({
      budgets,
      laneNow: () => Date.now() + laneAhead,
      config: twoProtocolConfig({
        batch: { poll_interval_ms: 30, queue_timeout_ms: 200, provider_batches: { enabled: false } },
      }),
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('holds every line (no ledger row, no spend) until the budget has room, then completes', async () => {
    // Interactive traffic spent 96% of the day's $1: past throttle_at.
    const headers = { 'x-tollgate-tenant': 'acme' };
    const interactive = contextForHeaders(harness.gateway.core, headers);
    assert.ok(interactive);
    await (await budgets.reserve({ context: interactive, maxCostUsd: 0.96 })).settle(0.96);
    assert.equal((await budgets.state(interactive)).level, 'throttle');

    const line = (id: string) =>
      JSON.stringify({
        custom_id: id,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'fast', messages: [{ role: 'user', content: `Question ${id}` }], max_tokens: 16 },
      });
    const file = await client.files.create({
      file: await toFile(Buffer.from(['a', 'b', 'c'].map(line).join('\n')), 'budget.jsonl'),
      purpose: 'batch',
    });
    const created = await client.batches.create(
      { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      { headers },
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    const waiting = await client.batches.retrieve(created.id);
    assert.equal(waiting.status, 'in_progress');
    assert.deepEqual(waiting.request_counts, { total: 3, completed: 0, failed: 0 });
    await harness.ledger.flush();
    assert.equal((await harness.ledger.recentRequests({ limit: 10 })).length, 0, 'nothing was sent, nothing refused');

    // A single batch-priority request would queue the same way, then give up after batch.queue_timeout_ms.
    const single = contextForHeaders(harness.gateway.core, { ...headers, 'x-tollgate-priority': 'batch' });
    assert.ok(single);
    await assert.rejects(harness.lane.admit({ context: single }), /past its throttle threshold/);

    clock += DAY_MS;
    const done = await waitFor(
      () => client.batches.retrieve(created.id),
      (batch) => batch.status === 'completed',
      { what: 'the batch to complete once the window reset' },
    );
    assert.deepEqual(done.request_counts, { total: 3, completed: 3, failed: 0 });
    await harness.ledger.flush();
    const rows = await harness.ledger.recentRequests({ limit: 10 });
    assert.equal(rows.length, 3);
    assert.ok(rows.every((row) => row.batch && row.outcome === 'success' && row.tenant === 'acme'));
    (await harness.lane.admit({ context: single }))();
  });
  it('expires a batch that could not run within its 24 hours, reporting every line as expired', async () => {
    const headers = { 'x-tollgate-tenant': 'acme' };
    const interactive = contextForHeaders(harness.gateway.core, headers);
    assert.ok(interactive);
    if ((await budgets.state(interactive)).level !== 'throttle') {
      await (await budgets.reserve({ context: interactive, maxCostUsd: 0.96 })).settle(0.96);
    }
    const file = await client.files.create({
      file: await toFile(
        Buffer.from(
          JSON.stringify({
            custom_id: 'late',
            method: 'POST',
            url: '/v1/chat/completions',
            body: { model: 'fast', messages: [{ role: 'user', content: 'Too late?' }] },
          }),
        ),
        'late.jsonl',
      ),
      purpose: 'batch',
    });
    const created = await client.batches.create(
      { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      { headers },
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    laneAhead += DAY_MS + 1;
    const expired = await waitFor(
      () => client.batches.retrieve(created.id),
      (batch) => batch.status === 'expired',
      { what: 'the batch to expire' },
    );
    assert.deepEqual(expired.request_counts, { total: 1, completed: 0, failed: 1 });
    assert.equal(expired.output_file_id, null);
    const error = JSON.parse(await (await client.files.content(expired.error_file_id as string)).text());
    assert.equal(error.custom_id, 'late');
    assert.equal(error.error.code, 'batch_expired');
  });
});
