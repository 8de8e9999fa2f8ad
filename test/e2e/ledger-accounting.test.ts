import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

describe('every request lands in the ledger with its cost', () => {
  let harness: TestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startTestGateway({
      config: twoProtocolConfig({
        providers: [
          ...(twoProtocolConfig().providers as unknown[]),
          {
            name: 'cutter',
            kind: 'simulated',
            simulation: { protocol: 'openai', ttft_ms: 0, faults: [{ kind: 'cut_stream', probability: 1 }] },
            models: [{ name: 'cut-model', price_as: 'gpt-5.4-mini' }],
          },
        ],
        baseline: 'sim-anthropic/an-small',
      }),
    });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('records a completed request with the cost the client was told, tenant, feature and savings', async () => {
    const { response } = await client.chat.completions
      .create(
        { model: 'fast', messages: [{ role: 'user', content: 'Ledger me.' }] },
        { headers: { 'x-tollgate-tenant': 'acme', 'x-tollgate-feature': 'faq' } },
      )
      .withResponse();
    const id = response.headers.get('x-tollgate-request-id') as string;
    await harness.ledger.flush();
    const detail = await harness.ledger.requestDetail(id);
    assert.ok(detail);
    assert.equal(detail.request.tenant, 'acme');
    assert.equal(detail.request.feature, 'faq');
    assert.equal(detail.request.outcome, 'success');
    assert.equal(detail.request.provider, 'sim-openai');
    assert.equal(detail.request.routeRule, 'tier');
    assert.ok(detail.request.outputTokens > 0);
    assert.equal(detail.request.costUsd.toFixed(8), Number(response.headers.get('x-tollgate-cost-usd')).toFixed(8));
    assert.ok(
      detail.request.counterfactualCostUsd > detail.request.costUsd,
      'the baseline (a dearer model) would have cost more',
    );
    assert.equal(detail.attempts.length, 1);
  });

  it('records a rejection and nothing else for malformed input: no attempt, no cost', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model": ',
    });
    assert.equal(response.status, 400);
    await harness.ledger.flush();
    const detail = await harness.ledger.requestDetail(response.headers.get('x-tollgate-request-id') as string);
    assert.ok(detail);
    assert.equal(detail.request.outcome, 'client_error');
    assert.equal(detail.request.costUsd, 0);
    assert.equal(detail.attempts.length, 0);
  });

  it('records a cut stream as an upstream error, charging the tokens that were generated', async () => {
    const stream = await client.chat.completions.create({
      model: 'cutter/cut-model',
      messages: [{ role: 'user', content: 'Tell me a long story.' }],
      stream: true,
    });
    let id = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) id = chunk.id;
    });
    const requestId = id.replace(/^chatcmpl-/, '');
    await harness.ledger.flush();
    const detail = await harness.ledger.requestDetail(requestId);
    assert.ok(detail, `ledger row for ${requestId}`);
    assert.equal(detail.request.outcome, 'upstream_error');
    assert.equal(detail.request.errorCode, 'stream_cut');
    assert.equal(detail.request.usageSource, 'counted');
    assert.ok(detail.request.outputTokens > 0);
    assert.ok(detail.request.costUsd > 0);
  });

  it('charges a client that disconnects mid-stream for what was generated', async () => {
    const slow = await startTestGateway({
      simulation: {},
      config: {
        providers: [
          {
            name: 'slow',
            kind: 'simulated',
            simulation: { ttft_ms: 0, tokens_per_second: 100 },
            models: [{ name: 'slow-model', price_as: 'gpt-5.4-mini' }],
          },
        ],
      },
    });
    after(() => slow.close());
    const requestId = 'disconnect-test-1';
    await new Promise<void>((resolve, reject) => {
      const outgoing = httpRequest(`${slow.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      });
      outgoing.on('response', (incoming) => {
        incoming.once('data', () => {
          outgoing.destroy();
          resolve();
        });
      });
      outgoing.on('error', () => {});
      outgoing.end(
        JSON.stringify({
          model: 'slow-model',
          max_tokens: 400,
          stream: true,
          messages: [{ role: 'user', content: 'A very long answer please.' }],
        }),
      );
      setTimeout(() => reject(new Error('no data')), 5000);
    });
    let detail = null;
    for (let wait = 0; !detail && wait < 100; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      await slow.ledger.flush();
      detail = await slow.ledger.requestDetail(requestId);
    }
    assert.ok(detail);
    assert.equal(detail.request.outcome, 'cancelled');
    assert.ok(detail.request.outputTokens > 0);
  });

  it('takes feedback for a request id', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'Rate me.' }] })
      .withResponse();
    const id = response.headers.get('x-tollgate-request-id') as string;
    const accepted = await fetch(`${harness.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_id: id, score: 0.2, label: 'refined' }),
    });
    assert.equal(accepted.status, 202);
    await harness.ledger.flush();
    const detail = await harness.ledger.requestDetail(id);
    assert.equal(detail?.feedback[0]?.label, 'refined');
    const rejected = await fetch(`${harness.url}/v1/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ request_id: id, score: 3 }),
    });
    assert.equal(rejected.status, 400);
  });
});
