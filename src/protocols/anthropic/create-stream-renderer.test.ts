import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { type ChatRequest, GatewayError, type StreamPart, type Usage } from '../../spec/index.js';
import type { RenderContext } from '../client-protocol.js';
import { createStreamRenderer } from './create-stream-renderer.js';

/** Serves whatever body the current test sets, the way the gateway would answer `POST /v1/messages`. */
function createReplayServer() {
  let next = { status: 200, contentType: 'text/event-stream', body: '' };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(next.status, { 'content-type': next.contentType });
      response.end(next.body);
    });
  });
  return {
    serve(body: string): void {
      next = { status: 200, contentType: 'text/event-stream', body };
    },
    async listen(): Promise<string> {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const context: RenderContext = { requestId: 'req_01TEST', model: 'claude-sonnet-4-5', createdAt: 1_760_000_000 };
const request: ChatRequest = { model: 'balanced', messages: [], stream: true };
const params = { model: 'balanced', max_tokens: 100, messages: [{ role: 'user' as const, content: 'Hi' }] };

const inputUsage: Usage = {
  uncachedInputTokens: 12,
  cacheReadInputTokens: 2048,
  cacheWriteInputTokens: 1024,
  cacheWrite1hInputTokens: 1024,
  outputTokens: 1,
  reasoningTokens: 0,
  source: 'reported',
};
const finalUsage: Usage = { ...inputUsage, outputTokens: 30 };

function render(parts: StreamPart[], final?: { usage: Usage; costUsd: number | undefined }): string {
  const renderer = createStreamRenderer(context, request);
  let out = parts.map((part) => renderer.render(part)).join('');
  if (final) out += renderer.end(final);
  return out;
}

const eventNames = (sse: string): string[] => [...sse.matchAll(/^event: (.+)$/gm)].map((match) => match[1] ?? '');

describe('createStreamRenderer (Anthropic)', () => {
  const server = createReplayServer();
  let client: Anthropic;

  before(async () => {
    client = new Anthropic({ baseURL: await server.listen(), apiKey: 'x', maxRetries: 0 });
  });
  after(() => server.close());

  it('streams text that the official SDK reads back with usage and stop reason', async () => {
    server.serve(
      render(
        [
          { type: 'start', id: 'msg_upstream', model: 'claude-sonnet-4-5-20250929' },
          { type: 'usage', usage: inputUsage },
          { type: 'text-delta', text: 'Hello' },
          { type: 'text-delta', text: ', world' },
          { type: 'usage', usage: finalUsage },
          { type: 'finish', finishReason: 'stop' },
        ],
        { usage: finalUsage, costUsd: 0.0123 },
      ),
    );
    const texts: string[] = [];
    const stream = client.messages.stream(params).on('text', (text) => texts.push(text));
    const message = await stream.finalMessage();
    assert.deepEqual(texts, ['Hello', ', world']);
    assert.equal(message.id, 'msg_req_01TEST');
    assert.equal(message.model, 'claude-sonnet-4-5');
    assert.deepEqual(
      message.content.map((block) => (block.type === 'text' ? block.text : block.type)),
      ['Hello, world'],
    );
    assert.equal(message.stop_reason, 'end_turn');
    assert.equal(message.usage.input_tokens, 12);
    assert.equal(message.usage.cache_read_input_tokens, 2048);
    assert.equal(message.usage.cache_creation_input_tokens, 1024);
    assert.equal(message.usage.output_tokens, 30);
  });

  it('puts the input usage in message_start and the final usage with cost_usd in message_delta', async () => {
    server.serve(
      render(
        [
          { type: 'start', id: 'msg_upstream', model: 'm' },
          { type: 'usage', usage: inputUsage },
          { type: 'text-delta', text: 'Hi' },
          { type: 'finish', finishReason: 'length' },
        ],
        { usage: finalUsage, costUsd: 0.0123 },
      ),
    );
    const events: Anthropic.MessageStreamEvent[] = [];
    for await (const event of await client.messages.create({ ...params, stream: true })) events.push(event);
    assert.deepEqual(
      events.map((event) => event.type),
      [
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ],
    );
    const start = events[0];
    assert.ok(start?.type === 'message_start');
    assert.equal(start.message.usage.input_tokens, 12);
    assert.equal(start.message.usage.cache_read_input_tokens, 2048);
    const delta = events[4];
    assert.ok(delta?.type === 'message_delta');
    assert.equal(delta.delta.stop_reason, 'max_tokens');
    assert.equal(delta.usage.output_tokens, 30);
    assert.equal((delta.usage as unknown as { cost_usd: number }).cost_usd, 0.0123);
  });

  it('streams tool calls as tool_use blocks whose input the SDK assembles from input_json_delta', async () => {
    server.serve(
      render(
        [
          { type: 'start', id: 'chatcmpl-1', model: 'gpt-4.1' },
          { type: 'text-delta', text: 'Checking.' },
          { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city": "Pa' },
          { type: 'tool-call-delta', index: 0, argumentsDelta: 'ris", "days": 2}' },
          { type: 'tool-call-delta', index: 1, id: 'call_2', name: 'get_time', argumentsDelta: '{}' },
          { type: 'finish', finishReason: 'tool-calls' },
        ],
        { usage: finalUsage, costUsd: undefined },
      ),
    );
    const message = await client.messages.stream(params).finalMessage();
    assert.equal(message.stop_reason, 'tool_use');
    assert.deepEqual(
      message.content.map((block) =>
        block.type === 'tool_use' ? { id: block.id, name: block.name, input: block.input } : block.type,
      ),
      [
        'text',
        { id: 'call_1', name: 'get_weather', input: { city: 'Paris', days: 2 } },
        { id: 'call_2', name: 'get_time', input: {} },
      ],
    );
  });

  it('streams reasoning as a thinking block with its signature, closed before the text block', async () => {
    const sse = render(
      [
        { type: 'start', id: 'msg_1', model: 'm' },
        { type: 'reasoning-delta', text: 'GCD by Euclid: ' },
        { type: 'reasoning-delta', text: '21.' },
        { type: 'reasoning-delta', text: '', signature: 'EqQBCgIY' },
        { type: 'text-delta', text: 'It is 21.' },
        { type: 'finish', finishReason: 'stop' },
      ],
      { usage: finalUsage, costUsd: undefined },
    );
    assert.deepEqual(eventNames(sse), [
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    server.serve(sse);
    const message = await client.messages.stream(params).finalMessage();
    assert.deepEqual(message.content[0], { type: 'thinking', thinking: 'GCD by Euclid: 21.', signature: 'EqQBCgIY' });
    assert.equal(message.content[1]?.type === 'text' ? message.content[1].text : undefined, 'It is 21.');
  });

  it('renders an error as one error event after which nothing is sent, and the SDK throws it', async () => {
    const renderer = createStreamRenderer(context, request);
    let sse = renderer.render({ type: 'start', id: 'msg_1', model: 'm' });
    sse += renderer.render({ type: 'text-delta', text: 'Once upon' });
    sse += renderer.error(
      new GatewayError({
        code: 'upstream_overloaded',
        message: 'anthropic sent a stream error overloaded_error: Overloaded',
      }),
    );
    assert.equal(renderer.render({ type: 'text-delta', text: ' a time' }), '');
    assert.equal(renderer.end({ usage: finalUsage, costUsd: undefined }), '');
    assert.equal(eventNames(sse).at(-1), 'error');
    assert.ok(sse.endsWith('\n\n'));
    assert.deepEqual(JSON.parse(sse.slice(sse.lastIndexOf('data: ') + 6)), {
      type: 'error',
      error: { type: 'overloaded_error', message: 'anthropic sent a stream error overloaded_error: Overloaded' },
    });
    server.serve(sse);
    const texts: string[] = [];
    const stream = client.messages.stream(params).on('text', (text) => texts.push(text));
    await assert.rejects(stream.finalMessage(), (error: unknown) => {
      assert.ok(error instanceof Anthropic.APIError);
      assert.match(error.message, /Overloaded/);
      return true;
    });
    assert.deepEqual(texts, ['Once upon']);
  });

  it('makes the SDK throw on a cut stream rendered as a stream_cut error before any content', async () => {
    const renderer = createStreamRenderer(context, request);
    server.serve(
      renderer.render({ type: 'start', id: 'msg_1', model: 'm' }) +
        renderer.error(new GatewayError({ code: 'stream_cut', message: 'The stream from anthropic ended early.' })),
    );
    await assert.rejects(
      client.messages.create({ ...params, stream: true }).then(async (stream) => {
        for await (const _event of stream) {
          // Drain until the error event throws.
        }
      }),
      (error: unknown) => error instanceof Anthropic.APIError && /ended early/.test(error.message),
    );
  });
});
