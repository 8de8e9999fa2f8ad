import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { createBatchLane } from '../../src/batch/create-batch-lane.js';
import { twoProtocolConfig } from '../support/start-test-gateway.js';
import { type BatchTestGateway, startBatchGateway, waitFor } from './start-batch-gateway.js';

interface ResultLine {
  custom_id: string;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
}

function chatLine(customId: string, model: string, content: string): string {
  return JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content }], max_tokens: 24 },
  });
}

interface Extension {
  cost_usd: number;
  live_cost_usd: number;
  saving_usd: number;
}

describe('lines routed to a provider with a batch API go through it, at batch prices', () => {
  let harness: BatchTestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startBatchGateway({
      config: twoProtocolConfig({
        baseline: 'sim-anthropic/an-small',
        batch: { poll_interval_ms: 30, provider_batches: { poll_interval_ms: 30, simulated_completion_ms: 300 } },
      }),
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('sends each deployment its own provider batch (OpenAI and Anthropic wire) and charges half the live price', async () => {
    const input = [
      chatLine('openai-1', 'fast', 'Name three rivers in Europe.'),
      chatLine('openai-2', 'fast', 'What is two plus two?'),
      // An OpenAI-shaped line answered by an Anthropic-wire provider through Message Batches.
      chatLine('anthropic-1', 'premium', 'Write a haiku about autumn.'),
      chatLine('refused', 'no-such-model', 'This one never leaves the gateway.'),
    ].join('\n');
    const file = await client.files.create({ file: await toFile(Buffer.from(input), 'p.jsonl'), purpose: 'batch' });
    const started = Date.now();
    const created = await client.batches.create(
      { input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' },
      { headers: { 'x-tollgate-tenant': 'acme', 'x-tollgate-feature': 'offline' } },
    );
    const batch = await waitFor(
      () => client.batches.retrieve(created.id),
      (current) => current.status === 'completed',
      { what: 'the batch to complete' },
    );
    assert.ok(Date.now() - started >= 300, 'the provider batches took their completion time');
    assert.deepEqual(batch.request_counts, { total: 4, completed: 3, failed: 1 });
    const lines = (await (await client.files.content(batch.output_file_id as string)).text())
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ResultLine);
    assert.deepEqual(
      lines.map((line) => line.custom_id),
      ['openai-1', 'openai-2', 'anthropic-1'],
    );
    for (const line of lines) {
      assert.equal(line.response?.status_code, 200);
      assert.equal(line.response?.body.object, 'chat.completion');
      const choices = line.response?.body.choices as { message: { content: string } }[];
      assert.ok(choices[0]?.message.content.length);
    }

    const extension = (batch as unknown as { x_tollgate: Extension }).x_tollgate;
    assert.ok(extension.cost_usd > 0);
    // Both simulated models are priced like models whose batch API costs half (gpt-5.4-nano, claude-haiku-4-5).
    assert.equal((extension.live_cost_usd / 2).toFixed(12), extension.cost_usd.toFixed(12));
    assert.equal(extension.saving_usd.toFixed(12), extension.cost_usd.toFixed(12));

    await harness.ledger.flush();
    let ledgerCost = 0;
    const providers = new Set<string>();
    for (const line of lines) {
      const detail = await harness.ledger.requestDetail(line.response?.request_id as string);
      assert.ok(detail, `ledger row for ${line.custom_id}`);
      assert.equal(detail.request.batch, true);
      assert.equal(detail.request.tenant, 'acme');
      assert.equal(detail.request.feature, 'offline');
      assert.equal(detail.request.routeRule, 'tier');
      assert.ok(detail.request.outputTokens > 0);
      assert.ok(detail.request.counterfactualCostUsd > detail.request.costUsd);
      assert.equal(detail.attempts.length, 1);
      providers.add(detail.request.provider ?? '');
      ledgerCost += detail.request.costUsd;
    }
    assert.deepEqual([...providers].sort(), ['sim-anthropic', 'sim-openai']);
    assert.equal(ledgerCost.toFixed(12), extension.cost_usd.toFixed(12));
  });

  it('plans lost provider batches again after a restart: every line answered once, charged once', async () => {
    const ids = Array.from({ length: 6 }, (_, index) => `r-${index}`);
    const file = await client.files.create({
      file: await toFile(
        Buffer.from(ids.map((id) => chatLine(id, 'fast', `Restart question ${id}`)).join('\n')),
        'r.jsonl',
      ),
      purpose: 'batch',
    });
    const created = await client.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await waitFor(
      () => harness.lane.store.submissions.open(created.id),
      (open) => open.some((submission) => submission.state === 'open'),
      { what: 'the lines to be at the provider' },
    );
    // The gateway stops while its provider batch is in flight; the simulated provider forgets it.
    await harness.lane.close();
    const resumed = await createBatchLane({
      gateway: harness.gateway,
      store: { kind: 'sqlite', path: join(harness.directory, 'batches.db') },
    });
    try {
      const job = await waitFor(
        () => resumed.store.getJob(created.id),
        (current) => current?.status === 'completed',
        { what: 'the batch to complete on the new lane' },
      );
      assert.ok(job);
      const counts = await resumed.store.countLines(created.id);
      assert.deepEqual(counts, { total: 6, pending: 0, succeeded: 6, errored: 0, canceled: 0, expired: 0 });
      await harness.ledger.flush();
      const rows = (await harness.ledger.recentRequests({ limit: 100 })).filter((row) =>
        row.requestId.startsWith(`${created.id}.`),
      );
      assert.equal(rows.length, 6, 'one ledger row per line');
      assert.deepEqual(rows.map((row) => Number(row.requestId.split('.')[1])).sort(), [0, 1, 2, 3, 4, 5]);
      assert.ok(
        rows.every((row) => row.requestId.endsWith('.1')),
        'the lost try was never charged; the second was',
      );
    } finally {
      await resumed.close();
    }
  });
  it('cancels the provider batch when the batch is cancelled: lines come back as cancelled', async () => {
    const slow = await startBatchGateway({
      config: twoProtocolConfig({
        batch: { poll_interval_ms: 30, provider_batches: { poll_interval_ms: 30, simulated_completion_ms: 60_000 } },
      }),
    });
    try {
      const slowClient = new OpenAI({ baseURL: `${slow.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const file = await slowClient.files.create({
        file: await toFile(
          Buffer.from([chatLine('k-1', 'fast', 'one'), chatLine('k-2', 'premium', 'two')].join('\n')),
          'k.jsonl',
        ),
        purpose: 'batch',
      });
      const created = await slowClient.batches.create({
        input_file_id: file.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
      });
      await waitFor(
        () => slow.lane.store.submissions.open(created.id),
        (open) => open.filter((submission) => submission.state === 'open').length === 2,
        { what: 'both lines to be at their providers' },
      );
      await slowClient.batches.cancel(created.id);
      const batch = await waitFor(
        () => slowClient.batches.retrieve(created.id),
        (current) => current.status === 'cancelled',
        { what: 'the cancel to reach the providers and come back' },
      );
      assert.equal(batch.output_file_id, null);
      const errors = (await (await slowClient.files.content(batch.error_file_id as string)).text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { custom_id: string; error: { code: string } });
      assert.deepEqual(
        errors.map((line) => [line.custom_id, line.error.code]),
        [
          ['k-1', 'batch_cancelled'],
          ['k-2', 'batch_cancelled'],
        ],
      );
      await slow.ledger.flush();
      assert.equal(
        (await slow.ledger.recentRequests({ limit: 10 })).length,
        0,
        'nothing was answered, nothing charged',
      );
    } finally {
      await slow.close();
    }
  });
});
