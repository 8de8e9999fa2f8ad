import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { type ChatResponse, GatewayError, type GatewayErrorCode } from '../../spec/index.js';
import { renderChatResponse } from './render-chat-response.js';
import { renderError } from './render-error.js';

const response: ChatResponse = {
  id: 'msg_upstream',
  model: 'claude-sonnet-4-5',
  content: [
    { type: 'reasoning', text: 'The user wants weather.' },
    { type: 'text', text: 'Let me check.' },
    { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
  ],
  finishReason: 'tool-calls',
  usage: {
    uncachedInputTokens: 20,
    cacheReadInputTokens: 1000,
    cacheWriteInputTokens: 300,
    cacheWrite1hInputTokens: 0,
    outputTokens: 80,
    reasoningTokens: 30,
    source: 'reported',
  },
};

let server: Server;
let client: OpenAI;
let next: { status: number; body: unknown } = { status: 200, body: {} };

before(async () => {
  server = createServer((request, reply) => {
    request.resume();
    request.on('end', () => {
      reply.writeHead(next.status, { 'content-type': 'application/json' });
      reply.end(JSON.stringify(next.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('renderChatResponse', () => {
  it('renders a chat.completion that the official client reads, with all input kinds in prompt_tokens', async () => {
    const body = renderChatResponse(response, {
      requestId: 'req_7',
      model: 'claude-sonnet-4-5',
      createdAt: 1754000000,
      costUsd: 0.0042,
    });
    assert.deepEqual(body, {
      id: 'chatcmpl-req_7',
      object: 'chat.completion',
      created: 1754000000,
      model: 'claude-sonnet-4-5',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check.',
            refusal: null,
            tool_calls: [
              { id: 'toolu_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            ],
            reasoning_content: 'The user wants weather.',
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 1320,
        completion_tokens: 80,
        total_tokens: 1400,
        prompt_tokens_details: { cached_tokens: 1000, cache_write_tokens: 300 },
        completion_tokens_details: { reasoning_tokens: 30 },
        cost_usd: 0.0042,
      },
    });
    next = { status: 200, body };
    const completion = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    assert.equal(completion.choices[0]?.message.content, 'Let me check.');
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 1000);
  });

  it('keeps an id that already has the prefix, renders null content for tool-only answers and omits unknown cost', () => {
    const body = renderChatResponse(
      { ...response, content: [response.content[2]!], finishReason: 'length' },
      { requestId: 'chatcmpl-abc', model: 'm', createdAt: 1 },
    );
    assert.equal(body.id, 'chatcmpl-abc');
    assert.equal(body.choices[0]?.message.content, null);
    assert.equal(body.choices[0]?.message.reasoning_content, undefined);
    assert.equal(body.choices[0]?.finish_reason, 'length');
    assert.equal(body.usage.cost_usd, undefined);
  });

  it("maps finish reasons outside OpenAI's enum to stop", () => {
    for (const finishReason of ['other', 'error'] as const) {
      const body = renderChatResponse({ ...response, finishReason }, { requestId: 'r', model: 'm', createdAt: 1 });
      assert.equal(body.choices[0]?.finish_reason, 'stop');
    }
  });
});

describe('renderError', () => {
  // A Record over every code: adding a code to the spec without a row here fails type-checking.
  const expected: Record<GatewayErrorCode, { type: string; code: string }> = {
    invalid_request: { type: 'invalid_request_error', code: 'invalid_request' },
    invalid_json: { type: 'invalid_request_error', code: 'invalid_json' },
    payload_too_large: { type: 'invalid_request_error', code: 'payload_too_large' },
    context_length_exceeded: { type: 'invalid_request_error', code: 'context_length_exceeded' },
    model_not_found: { type: 'invalid_request_error', code: 'model_not_found' },
    not_found: { type: 'not_found_error', code: 'not_found' },
    method_not_allowed: { type: 'invalid_request_error', code: 'method_not_allowed' },
    authentication: { type: 'authentication_error', code: 'invalid_api_key' },
    permission: { type: 'permission_error', code: 'permission' },
    budget_exceeded: { type: 'insufficient_quota', code: 'budget_exceeded' },
    rate_limited: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
    no_route: { type: 'service_unavailable_error', code: 'no_route' },
    upstream_error: { type: 'server_error', code: 'upstream_error' },
    upstream_overloaded: { type: 'service_unavailable_error', code: 'upstream_overloaded' },
    upstream_timeout: { type: 'server_error', code: 'upstream_timeout' },
    upstream_connection: { type: 'server_error', code: 'upstream_connection' },
    upstream_malformed: { type: 'server_error', code: 'upstream_malformed' },
    upstream_invalid_request: { type: 'invalid_request_error', code: 'upstream_invalid_request' },
    upstream_authentication: { type: 'server_error', code: 'upstream_authentication' },
    stream_cut: { type: 'server_error', code: 'stream_cut' },
    cancelled: { type: 'invalid_request_error', code: 'cancelled' },
    internal: { type: 'server_error', code: 'internal' },
  };
  for (const [code, shape] of Object.entries(expected) as [GatewayErrorCode, { type: string; code: string }][]) {
    it(`renders ${code} as ${shape.type}`, () => {
      const error = new GatewayError({ code, message: `failure ${code}` });
      assert.deepEqual(renderError(error), {
        error: { message: `failure ${code}`, type: shape.type, param: null, code: shape.code },
      });
    });
  }

  it('gives the official client the status, param and code it expects', async () => {
    const error = new GatewayError({
      code: 'invalid_request',
      message: "Invalid 'messages[2].content': expected a string.",
      param: 'messages[2].content',
    });
    next = { status: error.status, body: renderError(error) };
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      (thrown: unknown) => {
        assert.ok(thrown instanceof OpenAI.BadRequestError);
        assert.equal(thrown.param, 'messages[2].content');
        assert.equal(thrown.code, 'invalid_request');
        assert.equal(thrown.type, 'invalid_request_error');
        assert.match(thrown.message, /expected a string/);
        return true;
      },
    );

    const limited = new GatewayError({ code: 'rate_limited', message: 'Slow down.' });
    next = { status: limited.status, body: renderError(limited) };
    await assert.rejects(
      client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] }),
      OpenAI.RateLimitError,
    );
  });
});
