import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import pg from 'pg';
import { twoProtocolConfig } from '../support/start-test-gateway.js';
import { type BatchTestGateway, startBatchGateway, waitFor } from './start-batch-gateway.js';

const POSTGRES_URL =
  process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://tollgate:tollgate@127.0.0.1:5432/tollgate_test';

describe('Anthropic Message Batches through the gateway (job store in PostgreSQL), with the official SDK', () => {
  const schema = `batch_e2e_${randomBytes(4).toString('hex')}`;
  let harness: BatchTestGateway;
  let client: Anthropic;
  before(async () => {
    harness = await startBatchGateway({
      config: twoProtocolConfig({
        batch: { poll_interval_ms: 50, provider_batches: { poll_interval_ms: 50, simulated_completion_ms: 0 } },
      }),
      store: { kind: 'postgres', url: POSTGRES_URL, schema },
    });
    client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await harness.close();
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  it('creates, polls, streams results for every custom_id and deletes a batch', async () => {
    const created = await client.messages.batches.create(
      {
        requests: [
          {
            custom_id: 'greet',
            params: { model: 'premium', max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }] },
          },
          {
            custom_id: 'count',
            params: { model: 'fast', max_tokens: 32, messages: [{ role: 'user', content: 'Count to three.' }] },
          },
          {
            custom_id: 'bad-model',
            params: { model: 'no-such-model', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] },
          },
        ],
      },
      { headers: { 'x-tollgate-tenant': 'labs' } },
    );
    assert.match(created.id, /^msgbatch_/);
    assert.equal(created.type, 'message_batch');
    assert.equal(created.processing_status, 'in_progress');
    assert.equal(created.results_url, null);

    const ended = await waitFor(
      () => client.messages.batches.retrieve(created.id),
      (batch) => batch.processing_status === 'ended',
      { what: 'the message batch to end' },
    );
    assert.deepEqual(ended.request_counts, { processing: 0, succeeded: 2, errored: 1, canceled: 0, expired: 0 });
    assert.ok(ended.ended_at);
    assert.ok(ended.results_url?.startsWith(harness.url));
    assert.ok((await client.messages.batches.list()).data.some((batch) => batch.id === created.id));

    const results = new Map<string, Anthropic.Messages.Batches.MessageBatchIndividualResponse>();
    for await (const entry of await client.messages.batches.results(created.id)) results.set(entry.custom_id, entry);
    assert.deepEqual([...results.keys()].sort(), ['bad-model', 'count', 'greet']);
    const greet = results.get('greet')?.result;
    assert.equal(greet?.type, 'succeeded');
    if (greet?.type === 'succeeded') {
      assert.equal(greet.message.role, 'assistant');
      assert.ok(greet.message.usage.output_tokens > 0);
    }
    const bad = results.get('bad-model')?.result;
    assert.equal(bad?.type, 'errored');
    if (bad?.type === 'errored') assert.equal(bad.error.error.type, 'not_found_error');

    await harness.ledger.flush();
    const rows = (await harness.ledger.recentRequests({ limit: 50 })).filter((row) => row.batch);
    assert.equal(rows.length, 3);
    assert.ok(rows.every((row) => row.protocol === 'anthropic' && row.tenant === 'labs'));

    const deleted = await client.messages.batches.delete(created.id);
    assert.equal(deleted.type, 'message_batch_deleted');
    await assert.rejects(client.messages.batches.retrieve(created.id), Anthropic.NotFoundError);
  });

  it('refuses a batch whose requests are not an array, in Anthropic error shape', async () => {
    await assert.rejects(
      client.messages.batches.create({ requests: 'nope' as unknown as [] }),
      (error) => error instanceof Anthropic.BadRequestError && /requests must be an array/.test(error.message),
    );
  });
});
