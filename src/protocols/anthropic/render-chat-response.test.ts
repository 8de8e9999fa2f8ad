import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { type ChatResponse, GatewayError, type GatewayErrorCode } from '../../spec/index.js';
import { anthropicProtocol } from './anthropic-protocol.js';
import { anthropicErrorType } from './render-error.js';

const response: ChatResponse = {
  id: 'chatcmpl-upstream',
  model: 'gpt-4.1-mini',
  content: [
    { type: 'reasoning', text: 'Need the weather tool.', signature: 'sig-1' },
    { type: 'text', text: 'Let me check.' },
    { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'tool-call', id: 'call_2', name: 'get_time', arguments: '' },
  ],
  finishReason: 'tool-calls',
  usage: {
    uncachedInputTokens: 100,
    cacheReadInputTokens: 900,
    cacheWriteInputTokens: 300,
    cacheWrite1hInputTokens: 100,
    outputTokens: 40,
    reasoningTokens: 10,
    source: 'reported',
  },
};

const ALL_CODES: GatewayErrorCode[] = [
  'invalid_request',
  'invalid_json',
  'payload_too_large',
  'context_length_exceeded',
  'model_not_found',
  'not_found',
  'method_not_allowed',
  'authentication',
  'permission',
  'budget_exceeded',
  'rate_limited',
  'no_route',
  'upstream_error',
  'upstream_overloaded',
  'upstream_timeout',
  'upstream_connection',
  'upstream_malformed',
  'upstream_invalid_request',
  'upstream_authentication',
  'stream_cut',
  'cancelled',
  'internal',
];

describe('renderChatResponse and renderError (Anthropic)', () => {
  let next: { status: number; body: unknown } = { status: 200, body: {} };
  const server = createServer((request, reply) => {
    request.resume();
    request.on('end', () => {
      reply.writeHead(next.status, { 'content-type': 'application/json' });
      reply.end(JSON.stringify(next.body));
    });
  });
  let client: Anthropic;

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Anthropic({
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: 'x',
      maxRetries: 0,
    });
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('renders a message the official SDK reads: blocks, stop reason, usage split by cache state, cost', async () => {
    next = {
      status: 200,
      body: anthropicProtocol.renderChatResponse(response, {
        requestId: 'req_42',
        model: 'gpt-4.1-mini',
        createdAt: 1_760_000_000,
        costUsd: 0.00042,
      }),
    };
    const message = await client.messages.create({
      model: 'fast',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    assert.equal(message.id, 'msg_req_42');
    assert.equal(message.type, 'message');
    assert.equal(message.role, 'assistant');
    assert.equal(message.model, 'gpt-4.1-mini');
    assert.equal(message.stop_reason, 'tool_use');
    assert.equal(message.stop_sequence, null);
    assert.deepEqual(message.content, [
      { type: 'thinking', thinking: 'Need the weather tool.', signature: 'sig-1' },
      { type: 'text', text: 'Let me check.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
      { type: 'tool_use', id: 'call_2', name: 'get_time', input: {} },
    ]);
    assert.deepEqual(message.usage, {
      input_tokens: 100,
      cache_creation_input_tokens: 300,
      cache_read_input_tokens: 900,
      cache_creation: { ephemeral_5m_input_tokens: 200, ephemeral_1h_input_tokens: 100 },
      output_tokens: 40,
      cost_usd: 0.00042,
    });
  });

  it('omits cost_usd when the cost is unknown', () => {
    const body = anthropicProtocol.renderChatResponse(
      { ...response, content: [{ type: 'text', text: 'ok' }], finishReason: 'stop' },
      { requestId: 'msg_already', model: 'm', createdAt: 0 },
    ) as { id: string; usage: Record<string, unknown>; stop_reason: string };
    assert.equal(body.id, 'msg_already');
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal('cost_usd' in body.usage, false);
  });

  it('refuses to render tool arguments that are not a JSON object instead of emptying them', () => {
    assert.throws(
      () =>
        anthropicProtocol.renderChatResponse(
          { ...response, content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{"city": "Pa' }] },
          { requestId: 'r', model: 'm', createdAt: 0 },
        ),
      (error: unknown) => error instanceof GatewayError && error.code === 'upstream_malformed' && error.retryable,
    );
  });

  it('maps every gateway error code to an Anthropic error type', () => {
    const documented = new Set([
      'invalid_request_error',
      'authentication_error',
      'permission_error',
      'not_found_error',
      'request_too_large',
      'rate_limit_error',
      'timeout_error',
      'api_error',
      'overloaded_error',
    ]);
    for (const code of ALL_CODES) assert.ok(documented.has(anthropicErrorType(code)), code);
    assert.equal(anthropicErrorType('invalid_json'), 'invalid_request_error');
    assert.equal(anthropicErrorType('payload_too_large'), 'request_too_large');
    assert.equal(anthropicErrorType('budget_exceeded'), 'rate_limit_error');
    assert.equal(anthropicErrorType('upstream_overloaded'), 'overloaded_error');
    assert.equal(anthropicErrorType('upstream_authentication'), 'api_error');
  });

  it('renders errors the SDK raises as the matching error class, with the message', async () => {
    const cases = [
      {
        error: new GatewayError({
          code: 'invalid_request',
          message: 'max_tokens: Field required',
          param: 'max_tokens',
        }),
        type: Anthropic.BadRequestError,
      },
      {
        error: new GatewayError({ code: 'authentication', message: 'Unknown virtual key.' }),
        type: Anthropic.AuthenticationError,
      },
      {
        error: new GatewayError({ code: 'model_not_found', message: 'No model named "gpt-9".' }),
        type: Anthropic.NotFoundError,
      },
      {
        error: new GatewayError({ code: 'budget_exceeded', message: 'Budget "team-a" is exhausted.' }),
        type: Anthropic.RateLimitError,
      },
      {
        error: new GatewayError({ code: 'upstream_error', message: 'anthropic answered 500.' }),
        type: Anthropic.InternalServerError,
      },
    ];
    for (const { error, type } of cases) {
      next = { status: error.status, body: anthropicProtocol.renderError(error) };
      await assert.rejects(
        client.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }),
        (thrown: unknown) => {
          assert.ok(thrown instanceof type, `${error.code} → ${String(thrown)}`);
          assert.equal(thrown.status, error.status);
          assert.equal(thrown.apiMessage, error.message);
          assert.equal(thrown.type, anthropicErrorType(error.code));
          assert.deepEqual(thrown.error, {
            type: 'error',
            error: { type: anthropicErrorType(error.code), message: error.message },
          });
          return true;
        },
      );
    }
  });
});
