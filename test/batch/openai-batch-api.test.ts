import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import type { Batch } from 'openai/resources/batches';
import { twoProtocolConfig } from '../support/start-test-gateway.js';
import { type BatchTestGateway, startBatchGateway, waitFor } from './start-batch-gateway.js';

interface ResultLine {
  id: string;
  custom_id: string | null;
  response: { status_code: number; request_id: string; body: Record<string, unknown> } | null;
  error: { code: string; message: string } | null;
}

function jsonl(lines: unknown[]): string {
  return `${lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n')}\n`;
}

function chatLine(customId: string, content: string, model = 'fast'): Record<string, unknown> {
  return {
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content }], max_tokens: 20 },
  };
}

async function readLines(client: OpenAI, fileId: string | null | undefined): Promise<ResultLine[]> {
  if (!fileId) return [];
  const text = await (await client.files.content(fileId)).text();
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as ResultLine);
}

async function finished(client: OpenAI, id: string): Promise<Batch> {
  return waitFor(
    () => client.batches.retrieve(id),
    (batch) => ['completed', 'cancelled', 'expired', 'failed'].includes(batch.status),
    { what: `batch ${id} to end` },
  );
}

describe('OpenAI Batch API through the gateway, with the official client', () => {
  let harness: BatchTestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startBatchGateway({
      config: twoProtocolConfig({
        baseline: 'sim-anthropic/an-small',
        batch: {
          max_file_bytes: 64 * 1024,
          max_lines: 20,
          poll_interval_ms: 50,
          provider_batches: { enabled: false },
        },
      }),
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('uploads, runs, reports every line once and writes one batch ledger row per line run', async () => {
    const input = jsonl([
      chatLine('q-1', 'What is the capital of France?'),
      chatLine('q-2', 'Name a prime number.'),
      '{"custom_id": "broken", "method": "POST"',
      { ...chatLine('q-3', 'Wrong route'), url: '/v1/embeddings' },
      chatLine('q-4', 'Unknown model here', 'no-such-model'),
      chatLine('q-5', 'Say hello in Spanish.'),
    ]);
    const uploaded = await client.files.create({
      file: await toFile(Buffer.from(input), 'input.jsonl'),
      purpose: 'batch',
    });
    assert.equal(uploaded.purpose, 'batch');
    assert.equal(uploaded.bytes, Buffer.byteLength(input));
    assert.equal((await client.files.retrieve(uploaded.id)).filename, 'input.jsonl');
    assert.equal(await (await client.files.content(uploaded.id)).text(), input);

    const created = await client.batches.create(
      {
        input_file_id: uploaded.id,
        endpoint: '/v1/chat/completions',
        completion_window: '24h',
        metadata: { run: 'one' },
      },
      { headers: { 'x-tollgate-tenant': 'acme', 'x-tollgate-feature': 'nightly' } },
    );
    assert.equal(created.status, 'in_progress');
    assert.equal(created.request_counts?.total, 6);

    const batch = await finished(client, created.id);
    assert.equal(batch.status, 'completed');
    assert.deepEqual(batch.request_counts, { total: 6, completed: 3, failed: 3 });
    assert.deepEqual(batch.metadata, { run: 'one' });
    assert.ok((await client.batches.list()).data.some((listed) => listed.id === created.id));

    const output = await readLines(client, batch.output_file_id);
    const errors = await readLines(client, batch.error_file_id);
    assert.deepEqual(output.map((line) => line.custom_id).sort(), ['q-1', 'q-2', 'q-5']);
    for (const line of output) {
      assert.equal(line.response?.status_code, 200);
      assert.equal(line.error, null);
      const choices = line.response?.body.choices as { message: { content: string } }[];
      assert.ok(choices[0]?.message.content.length);
    }
    const errorByLine = new Map(errors.map((line) => [line.custom_id, line]));
    assert.equal(errors.length, 3);
    assert.equal(errorByLine.get(null)?.error?.code, 'invalid_json_line');
    assert.match(errorByLine.get(null)?.error?.message ?? '', /^Line 3: /);
    assert.equal(errorByLine.get('q-3')?.error?.code, 'invalid_url');
    assert.equal(errorByLine.get('q-3')?.response, null);
    // A request the gateway itself refused: its answer is kept, as OpenAI keeps a line's HTTP error.
    assert.equal(errorByLine.get('q-4')?.response?.status_code, 404);
    assert.equal(
      (errorByLine.get('q-4')?.response?.body.error as { code?: string } | undefined)?.code,
      'model_not_found',
    );

    // The file objects match what a download sends.
    const outputFile = await client.files.retrieve(batch.output_file_id as string);
    const outputText = await (await client.files.content(outputFile.id)).text();
    assert.equal(outputFile.bytes, Buffer.byteLength(outputText));

    await harness.ledger.flush();
    let ledgerCost = 0;
    for (const line of [...output, errorByLine.get('q-4') as ResultLine]) {
      const detail = await harness.ledger.requestDetail(line.response?.request_id as string);
      assert.ok(detail, `ledger row for ${line.custom_id}`);
      assert.equal(detail.request.batch, true);
      assert.equal(detail.request.tenant, 'acme');
      assert.equal(detail.request.feature, 'nightly');
      ledgerCost += detail.request.costUsd;
    }
    const batchRows = await harness.ledger.recentRequests({ limit: 100, filters: {} });
    assert.equal(
      batchRows.filter((row) => row.batch).length,
      4,
      'one row per line that ran; malformed lines never ran',
    );
    const extension = (batch as unknown as { x_tollgate: { cost_usd: number } }).x_tollgate;
    assert.ok(ledgerCost > 0);
    assert.equal(extension.cost_usd.toFixed(8), ledgerCost.toFixed(8));
    assert.ok((batch.usage?.output_tokens ?? 0) > 0);
  });

  it('refuses files over batch.max_file_bytes (413) and over batch.max_lines (400), naming the setting', async () => {
    const big = Buffer.from(`${JSON.stringify(chatLine('x', 'y'.repeat(70 * 1024)))}\n`);
    await assert.rejects(client.files.create({ file: await toFile(big, 'big.jsonl'), purpose: 'batch' }), (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 413);
      assert.match(error.message, /batch\.max_file_bytes/);
      return true;
    });
    const many = Buffer.from(jsonl(Array.from({ length: 21 }, (_, index) => chatLine(`l-${index}`, 'hi'))));
    await assert.rejects(client.files.create({ file: await toFile(many, 'many.jsonl'), purpose: 'batch' }), (error) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 400);
      assert.match(error.message, /21 requests.*at most 20 \(batch\.max_lines\)/);
      return true;
    });
    await assert.rejects(
      client.files.create({ file: await toFile(Buffer.from('{}\n'), 'x.jsonl'), purpose: 'fine-tune' }),
      (error) =>
        error instanceof OpenAI.APIError && error.status === 400 && /purpose must be "batch"/.test(error.message),
    );
  });

  it('answers unknown ids and bad batch parameters in OpenAI error shape', async () => {
    await assert.rejects(client.batches.retrieve('batch_missing'), (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError);
      return true;
    });
    await assert.rejects(client.files.retrieve('file-missing'), OpenAI.NotFoundError);
    const uploaded = await client.files.create({
      file: await toFile(Buffer.from(jsonl([chatLine('a', 'b')])), 'one.jsonl'),
      purpose: 'batch',
    });
    await assert.rejects(
      client.batches.create({
        input_file_id: uploaded.id,
        endpoint: '/v1/chat/completions',
        completion_window: '1h' as '24h',
      }),
      (error) => error instanceof OpenAI.BadRequestError && /completion_window/.test(error.message),
    );
  });
});

describe('cancelling a batch against a slow provider', () => {
  let harness: BatchTestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startBatchGateway({
      simulation: {},
      config: {
        providers: [
          {
            name: 'slow',
            kind: 'simulated',
            simulation: { ttft_ms: 100 },
            models: [{ name: 'slow-model', price_as: 'gpt-5.4-mini' }],
          },
        ],
        batch: { concurrency: 2, poll_interval_ms: 50, provider_batches: { enabled: false } },
      },
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('stops starting lines, keeps the results of lines that ran and reports the rest as cancelled', async () => {
    const ids = Array.from({ length: 20 }, (_, index) => `c-${index}`);
    const uploaded = await client.files.create({
      file: await toFile(Buffer.from(jsonl(ids.map((id) => chatLine(id, `Question ${id}`, 'slow-model')))), 'c.jsonl'),
      purpose: 'batch',
    });
    const created = await client.batches.create({
      input_file_id: uploaded.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    await waitFor(
      () => client.batches.retrieve(created.id),
      (batch) => (batch.request_counts?.completed ?? 0) >= 2,
      { what: 'two lines to finish' },
    );
    const cancelling = await client.batches.cancel(created.id);
    assert.ok(['cancelling', 'cancelled'].includes(cancelling.status));
    const batch = await finished(client, created.id);
    assert.equal(batch.status, 'cancelled');
    assert.ok(batch.cancelled_at);
    const output = await readLines(client, batch.output_file_id);
    const errors = await readLines(client, batch.error_file_id);
    assert.ok(output.length >= 2 && output.length < 20, `${output.length} lines ran before the cancel took hold`);
    assert.ok(errors.every((line) => line.error?.code === 'batch_cancelled'));
    const seen = [...output, ...errors].map((line) => line.custom_id).sort();
    assert.deepEqual(seen, [...ids].sort(), 'every custom_id exactly once');
    // Cancelling again is harmless; the batch stays cancelled.
    assert.equal((await client.batches.cancel(created.id)).status, 'cancelled');
  });
});
