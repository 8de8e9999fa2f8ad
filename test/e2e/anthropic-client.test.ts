import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

describe('the official @anthropic-ai/sdk client', () => {
  let harness: TestGateway;
  let client: Anthropic;
  before(async () => {
    harness = await startTestGateway({ config: twoProtocolConfig() });
    client = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('gets a message from an Anthropic-protocol provider, with cache_control usage', async () => {
    const system = `You are a support agent. ${'Policy text. '.repeat(400)}`;
    const ask = () =>
      client.messages
        .create({
          model: 'premium',
          max_tokens: 200,
          system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: 'How do I reset my password?' }],
        })
        .withResponse();
    const first = await ask();
    assert.equal(first.data.type, 'message');
    assert.equal(first.data.role, 'assistant');
    assert.equal(first.data.content[0]?.type, 'text');
    assert.equal(first.data.stop_reason, 'end_turn');
    assert.ok((first.data.usage.cache_creation_input_tokens ?? 0) > 0, 'first call writes the prefix cache');
    assert.equal(first.response.headers.get('x-tollgate-provider'), 'sim-anthropic');
    const second = await ask();
    assert.ok((second.data.usage.cache_read_input_tokens ?? 0) > 0, 'second call reads the prefix cache');
    assert.ok(
      Number(second.response.headers.get('x-tollgate-cost-usd')) <
        Number(first.response.headers.get('x-tollgate-cost-usd')),
    );
  });

  it('streams a message', async () => {
    const stream = client.messages.stream({
      model: 'premium',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Tell me about toll roads.' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    assert.ok(text.length > 0);
    assert.equal(final.content[0]?.type === 'text' ? final.content[0].text : '', text);
    assert.ok(final.usage.output_tokens > 0);
  });

  it('uses tools', async () => {
    const message = await client.messages.create({
      model: 'premium',
      max_tokens: 200,
      tools: [
        {
          name: 'lookup_order',
          description: 'Find an order',
          input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] },
        },
      ],
      messages: [{ role: 'user', content: 'Where is order 1234?' }],
    });
    assert.equal(message.stop_reason, 'tool_use');
    const use = message.content.find((block) => block.type === 'tool_use');
    assert.ok(use && use.type === 'tool_use');
    assert.equal(use.name, 'lookup_order');
    assert.equal(typeof (use.input as { order_id: unknown }).order_id, 'string');
  });

  it('is served by an OpenAI-protocol provider, streaming included (cross-protocol)', async () => {
    const message = await client.messages.create({
      model: 'fast',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Summarise: the toll is paid at the gate.' }],
    });
    assert.equal(message.type, 'message');
    assert.ok(message.content[0]?.type === 'text' && message.content[0].text.length > 0);
    assert.ok(message.usage.input_tokens > 0);
    const stream = client.messages.stream({
      model: 'fast',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'Hi there' }],
    });
    const final = await stream.finalMessage();
    assert.ok(final.content.length > 0);
    assert.ok(['end_turn', 'max_tokens'].includes(final.stop_reason ?? ''));
  });

  it('rejects a request without max_tokens in the Anthropic error shape', async () => {
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /max_tokens/);
  });
});
