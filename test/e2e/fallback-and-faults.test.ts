import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

function faultyConfig(kind: string, protocol: 'openai' | 'anthropic' = 'openai'): Record<string, unknown> {
  return {
    server: { max_retries: 1 },
    providers: [
      {
        name: 'flaky',
        kind: 'simulated',
        simulation: { protocol, ttft_ms: 0, faults: [{ kind, probability: 1, retry_after_s: 0 }] },
        models: [{ name: 'flaky-model', price_as: 'gpt-5.4-mini' }],
      },
      {
        name: 'steady',
        kind: 'simulated',
        simulation: { protocol: 'openai', ttft_ms: 0 },
        models: [{ name: 'steady-model', price_as: 'gpt-5.4-nano' }],
      },
    ],
    tiers: { chain: { deployments: ['flaky/flaky-model', 'steady/steady-model'] } },
    aliases: { 'flaky-only': ['flaky/flaky-model'] },
  };
}

for (const kind of ['server_error', 'rate_limit', 'overloaded', 'reset', 'malformed']) {
  describe(`a ${kind} fault`, () => {
    let harness: TestGateway;
    let client: OpenAI;
    before(async () => {
      harness = await startTestGateway({ config: faultyConfig(kind) });
      client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    });
    after(() => harness.close());

    it('is retried, then falls back to the next deployment', async () => {
      const { data, response } = await client.chat.completions
        .create({ model: 'chain', messages: [{ role: 'user', content: 'hello' }] })
        .withResponse();
      assert.ok((data.choices[0]?.message.content ?? '').length > 0);
      assert.equal(response.headers.get('x-tollgate-provider'), 'steady');
      assert.equal(response.headers.get('x-tollgate-attempts'), '3', 'two tries on flaky, one on steady');
    });

    it('without a fallback, ends in a clear error in the OpenAI shape', async () => {
      await assert.rejects(
        client.chat.completions.create({ model: 'flaky-only', messages: [{ role: 'user', content: 'hello' }] }),
        (error: unknown) => {
          assert.ok(error instanceof OpenAI.APIError);
          assert.ok((error.status ?? 0) >= 429, `status ${error.status}`);
          assert.match(error.message, /flaky|simulated|provider|connection|malformed|JSON/i);
          return true;
        },
      );
    });
  });
}

describe('a stream cut after the first token', () => {
  let harness: TestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startTestGateway({ config: faultyConfig('cut_stream') });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('reaches the client as an error, never a clean end', async () => {
    const stream = await client.chat.completions.create({
      model: 'flaky-only',
      messages: [{ role: 'user', content: 'Tell me a long story about bridges and tolls.' }],
      stream: true,
    });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    });
    assert.ok(text.length > 0, 'some text arrived before the cut');
  });
});

describe('bad input', () => {
  let harness: TestGateway;
  before(async () => {
    harness = await startTestGateway({ config: { ...faultyConfig('server_error'), server: { max_body_bytes: 2048 } } });
  });
  after(() => harness.close());

  const post = (path: string, body: string) =>
    fetch(`${harness.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers malformed JSON with a 400 in the caller protocol', async () => {
    const openai = await post('/v1/chat/completions', '{"model": "chain", "messages": [');
    assert.equal(openai.status, 400);
    const openaiBody = (await openai.json()) as { error: { type: string; message: string } };
    assert.equal(openaiBody.error.type, 'invalid_request_error');
    assert.match(openaiBody.error.message, /JSON/);
    const anthropic = await post('/v1/messages', 'not json');
    assert.equal(anthropic.status, 400);
    const anthropicBody = (await anthropic.json()) as { type: string; error: { type: string } };
    assert.equal(anthropicBody.type, 'error');
  });

  it('answers an oversized body with a 413', async () => {
    const big = JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'x'.repeat(5000) }] });
    const response = await post('/v1/chat/completions', big);
    assert.equal(response.status, 413);
    assert.ok(response.headers.get('x-tollgate-request-id'));
  });

  it('answers an unknown route with a 404 and a wrong method with a 405', async () => {
    const missing = await fetch(`${harness.url}/v1/nothing-here`);
    assert.equal(missing.status, 404);
    const wrongMethod = await fetch(`${harness.url}/v1/chat/completions`);
    assert.equal(wrongMethod.status, 405);
  });

  it('answers a malformed gateway header with a 400 naming it', async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tollgate-min-quality': '7' },
      body: JSON.stringify({ model: 'chain', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /x-tollgate-min-quality/);
  });
});
