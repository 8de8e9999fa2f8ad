import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HttpRequest, HttpTransport } from '../../http/http-transport.js';
import { type ChatRequest, GatewayError, type StreamPart } from '../../spec/index.js';
import type { CallOptions } from '../provider-adapter.js';
import { createAnthropicAdapter } from './create-anthropic-adapter.js';

const fixture = (name: string): string => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** Replays one recorded body in small chunks, so SSE events straddle chunk boundaries as on a real socket. */
function replay(options: { status?: number; headers?: Record<string, string>; body: string }): {
  transport: HttpTransport;
  requests: HttpRequest[];
} {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const bytes = new TextEncoder().encode(options.body);
    return {
      status: options.status ?? 200,
      headers: options.headers ?? {},
      body: (async function* () {
        for (let offset = 0; offset < bytes.length; offset += 13) yield bytes.slice(offset, offset + 13);
      })(),
    };
  };
  return { transport, requests };
}

function replayError(name: string): ReturnType<typeof replay> {
  const recorded = JSON.parse(fixture(name)) as { status: number; headers: Record<string, string>; body: unknown };
  return replay({ status: recorded.status, headers: recorded.headers, body: JSON.stringify(recorded.body) });
}

function adapterFor(transport: HttpTransport, options: { apiKey?: string } = { apiKey: 'sk-ant-test' }) {
  return createAnthropicAdapter({
    endpoint: {
      name: 'anthropic',
      baseUrl: 'https://api.anthropic.com/v1/',
      apiKey: options.apiKey,
      headers: { 'anthropic-beta': 'extended-cache-ttl-2025-04-11' },
      timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
    },
    transport,
  });
}

function call(warnings: string[] = []): CallOptions {
  return {
    upstreamModel: 'claude-sonnet-4-5-20250929',
    signal: new AbortController().signal,
    warn: (message) => warnings.push(message),
  };
}

const request: ChatRequest = {
  model: 'balanced',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
  maxOutputTokens: 256,
  stream: false,
};

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

const ERROR_CASES = [
  { file: 'error-400-invalid-request.json', code: 'upstream_invalid_request', status: 400, retryable: false },
  { file: 'error-400-prompt-too-long.json', code: 'context_length_exceeded', status: 400, retryable: false },
  { file: 'error-401.json', code: 'upstream_authentication', status: 502, retryable: false },
  { file: 'error-413.json', code: 'upstream_invalid_request', status: 400, retryable: false },
  { file: 'error-429.json', code: 'rate_limited', status: 429, retryable: true },
  { file: 'error-500.json', code: 'upstream_error', status: 502, retryable: true },
  { file: 'error-529.json', code: 'upstream_overloaded', status: 503, retryable: true },
] as const;

describe('createAnthropicAdapter', () => {
  it('POSTs to {baseUrl}/messages with the key, version and configured headers', async () => {
    const { transport, requests } = replay({ body: fixture('message-text-cache.json') });
    await adapterFor(transport).chat(request, call());
    const sent = requests[0];
    assert.ok(sent);
    assert.equal(sent.url, 'https://api.anthropic.com/v1/messages');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers['x-api-key'], 'sk-ant-test');
    assert.equal(sent.headers['anthropic-version'], '2023-06-01');
    assert.equal(sent.headers['anthropic-beta'], 'extended-cache-ttl-2025-04-11');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(sent.body ?? ''), {
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 256,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      stream: false,
    });
  });

  it('reads a message with cache writes (5m and 1h) and reads into the five token kinds', async () => {
    const { transport } = replay({ body: fixture('message-text-cache.json') });
    const response = await adapterFor(transport).chat(request, call());
    assert.equal(response.id, 'msg_01XFDUDYJgAACzvnptvVoYEL');
    assert.equal(response.model, 'claude-sonnet-4-5-20250929');
    assert.equal(response.finishReason, 'stop');
    assert.match(response.content[0]?.type === 'text' ? response.content[0].text : '', /cache hits cut the input bill/);
    assert.deepEqual(response.usage, {
      uncachedInputTokens: 21,
      cacheReadInputTokens: 12544,
      cacheWriteInputTokens: 1888,
      cacheWrite1hInputTokens: 1432,
      outputTokens: 27,
      reasoningTokens: 0,
      source: 'reported',
    });
  });

  it('reads tool_use blocks as tool calls with JSON text arguments', async () => {
    const { transport } = replay({ body: fixture('message-tool-use.json') });
    const response = await adapterFor(transport).chat(request, call());
    assert.equal(response.finishReason, 'tool-calls');
    assert.deepEqual(response.content, [
      { type: 'text', text: "I'll check the current weather in San Francisco for you." },
      {
        type: 'tool-call',
        id: 'toolu_01A09q90qw90lq917835lq9',
        name: 'get_weather',
        arguments: '{"location":"San Francisco, CA","unit":"celsius"}',
      },
    ]);
  });

  it('reads thinking blocks as signed reasoning and thinking tokens as reasoning tokens', async () => {
    const { transport } = replay({ body: fixture('message-thinking.json') });
    const response = await adapterFor(transport).chat(request, call());
    const reasoning = response.content[0];
    assert.equal(reasoning?.type, 'reasoning');
    assert.ok(reasoning?.type === 'reasoning' && reasoning.signature?.startsWith('WaUjzkyp'));
    assert.equal(response.content[1]?.type, 'text');
    assert.equal(response.usage.outputTokens, 312);
    assert.equal(response.usage.reasoningTokens, 251);
  });

  it('returns the forced JSON tool input as the answer text when JSON mode is emulated', async () => {
    const message = JSON.parse(fixture('message-tool-use.json')) as { content: unknown[] };
    message.content = [
      { type: 'tool_use', id: 'toolu_9', name: 'json_response', input: { city: 'Paris', population: 2102650 } },
    ];
    const { transport, requests } = replay({ body: JSON.stringify(message) });
    const warnings: string[] = [];
    const response = await adapterFor(transport).chat(
      { ...request, responseFormat: { type: 'json_object' } },
      call(warnings),
    );
    assert.deepEqual(response.content, [{ type: 'text', text: '{"city":"Paris","population":2102650}' }]);
    assert.equal(response.finishReason, 'stop');
    assert.deepEqual(JSON.parse(requests[0]?.body ?? '').tool_choice, { type: 'tool', name: 'json_response' });
    assert.match(warnings.join('\n'), /no JSON mode/);
  });

  it('streams text with the initial usage, the cumulative final usage and the finish', async () => {
    const { transport, requests } = replay({ body: fixture('stream-text.sse') });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    assert.equal(requests[0]?.headers.accept, 'text/event-stream');
    assert.equal(JSON.parse(requests[0]?.body ?? '').stream, true);
    assert.deepEqual(parts[0], {
      type: 'start',
      id: 'msg_01QC4g3HwBThD4BaNtBckFDJ',
      model: 'claude-sonnet-4-5-20250929',
    });
    assert.equal(parts[1]?.type, 'usage');
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    assert.equal(text, "Hello! I'm doing well, thank you for asking. How are you doing today?");
    assert.deepEqual(parts.at(-2), {
      type: 'usage',
      usage: {
        uncachedInputTokens: 12,
        cacheReadInputTokens: 2048,
        cacheWriteInputTokens: 1024,
        cacheWrite1hInputTokens: 1024,
        outputTokens: 30,
        reasoningTokens: 0,
        source: 'reported',
      },
    });
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'stop' });
  });

  it('streams tool calls with indexes among tool calls only and split input_json_delta joined', async () => {
    const { transport } = replay({ body: fixture('stream-tool-use.sse') });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    const toolDeltas = parts.filter((part) => part.type === 'tool-call-delta');
    assert.deepEqual(toolDeltas[0], {
      type: 'tool-call-delta',
      index: 0,
      id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6',
      name: 'get_weather',
      argumentsDelta: '',
    });
    const argumentsOf = (index: number): string =>
      toolDeltas.flatMap((part) => (part.index === index ? [part.argumentsDelta] : [])).join('');
    assert.deepEqual(JSON.parse(argumentsOf(0)), { location: 'San Francisco, CA', unit: 'fahrenheit' });
    assert.equal(toolDeltas.find((part) => part.index === 1)?.name, 'get_time');
    assert.equal(argumentsOf(1), '{}', 'a call without arguments gets the empty object');
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'tool-calls' });
    const usage = parts.at(-2);
    assert.ok(usage?.type === 'usage');
    assert.equal(usage.usage.uncachedInputTokens, 472, 'input tokens from message_start survive message_delta');
    assert.equal(usage.usage.outputTokens, 89);
  });

  it('streams thinking as reasoning deltas with the signature', async () => {
    const { transport } = replay({ body: fixture('stream-thinking.sse') });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    const reasoning = parts.filter((part) => part.type === 'reasoning-delta');
    assert.match(reasoning.map((part) => part.text).join(''), /So GCD\(1071, 462\) = 21$/);
    assert.equal(reasoning.at(-1)?.signature, 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...');
    assert.ok(parts.some((part) => part.type === 'text-delta' && part.text.includes('**21**')));
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'stop' });
  });

  it('streams the forced JSON tool input as answer text', async () => {
    const body = [
      'event: message_start',
      'data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-haiku-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":40,"output_tokens":1}}}',
      '',
      'event: content_block_start',
      'data: {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"json_response","input":{}}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"ok\\": "}}',
      '',
      'event: content_block_delta',
      'data: {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"true}"}}',
      '',
      'event: content_block_stop',
      'data: {"type":"content_block_stop","index":0}',
      '',
      'event: message_delta',
      'data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":9}}',
      '',
      'event: message_stop',
      'data: {"type":"message_stop"}',
      '',
      '',
    ].join('\n');
    const { transport } = replay({ body });
    const stream = await adapterFor(transport).stream(
      { ...request, stream: true, responseFormat: { type: 'json_object' } },
      call(),
    );
    const parts = await collect(stream);
    assert.equal(parts.filter((part) => part.type === 'tool-call-delta').length, 0);
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.text] : [])).join('');
    assert.deepEqual(JSON.parse(text), { ok: true });
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'stop' });
  });

  it('turns an overloaded_error event mid-stream into an error part and ends there', async () => {
    const { transport } = replay({ body: fixture('stream-overloaded-error.sse') });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    assert.deepEqual(
      parts.map((part) => part.type),
      ['start', 'usage', 'text-delta', 'error'],
    );
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.code, 'upstream_overloaded');
    assert.equal(last.error.retryable, true);
    assert.match(last.error.message, /overloaded_error: Overloaded/);
  });

  it('turns a stream cut before message_stop into a stream_cut error part', async () => {
    const whole = fixture('stream-text.sse');
    const { transport } = replay({ body: whole.slice(0, whole.indexOf('event: message_delta')) });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.code, 'stream_cut');
    assert.ok(
      parts.some((part) => part.type === 'text-delta'),
      'the text before the cut still arrived',
    );
    assert.ok(!parts.some((part) => part.type === 'finish'));
  });

  it('turns an event that is not JSON, or not the documented shape, into an upstream_malformed part', async () => {
    const whole = fixture('stream-text.sse');
    const cases = [
      whole.replace('{"type":"content_block_stop","index":0}', '{"type":"content_block_stop","index":0'),
      whole.replace('{"type":"content_block_stop","index":0}', '{"type":"content_block_stop","index":"zero"}'),
      whole.replace('"delta":{"type":"text_delta","text":"Hello"}', '"delta":{"type":"text_delta"}'),
    ];
    for (const body of cases) {
      const { transport } = replay({ body });
      const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
      const last = parts.at(-1);
      assert.ok(last?.type === 'error', JSON.stringify(parts.map((part) => part.type)));
      assert.equal(last.error.code, 'upstream_malformed');
      assert.equal(parts.filter((part) => part.type === 'error').length, 1);
    }
  });

  it('skips unknown event types as Anthropic versioning asks', async () => {
    const whole = fixture('stream-text.sse');
    const body = whole.replace(
      'event: ping',
      'event: future_event\ndata: {"type":"future_event","x":1}\n\nevent: ping',
    );
    const { transport } = replay({ body });
    const parts = await collect(await adapterFor(transport).stream({ ...request, stream: true }, call()));
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'stop' });
  });

  for (const errorCase of ERROR_CASES) {
    it(`classifies ${errorCase.file} as ${errorCase.code}, in chat and before a stream starts`, async () => {
      for (const method of ['chat', 'stream'] as const) {
        const { transport } = replayError(errorCase.file);
        const adapter = adapterFor(transport);
        await assert.rejects(
          method === 'chat' ? adapter.chat(request, call()) : adapter.stream({ ...request, stream: true }, call()),
          (error: unknown) => {
            assert.ok(error instanceof GatewayError);
            assert.equal(error.code, errorCase.code);
            assert.equal(error.status, errorCase.status);
            assert.equal(error.retryable, errorCase.retryable);
            assert.equal(error.endpoint, 'anthropic');
            assert.ok(!error.message.includes('sk-ant-test'), 'the key never appears in an error');
            return true;
          },
        );
      }
    });
  }

  it('passes on retry-after from a 429', async () => {
    const { transport } = replayError('error-429.json');
    await assert.rejects(adapterFor(transport).chat(request, call()), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.retryAfterMs, 17_000);
      assert.equal(error.upstreamStatus, 429);
      return true;
    });
  });

  it('classifies a non-JSON error page by its status', async () => {
    const { transport } = replay({ status: 502, body: '<html><body>Bad Gateway</body></html>' });
    await assert.rejects(adapterFor(transport).chat(request, call()), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'upstream_error');
      assert.match(error.message, /Bad Gateway/);
      return true;
    });
  });

  it('reports a 200 body that is not an Anthropic message as upstream_malformed', async () => {
    for (const body of ['{"id": "msg_1", "content": "nope"}', 'not json']) {
      const { transport } = replay({ body });
      await assert.rejects(
        adapterFor(transport).chat(request, call()),
        (error: unknown) => error instanceof GatewayError && error.code === 'upstream_malformed',
      );
    }
  });

  it('sends no x-api-key header when the endpoint has no key', async () => {
    const { transport, requests } = replay({ body: fixture('message-text-cache.json') });
    await adapterFor(transport, {}).chat(request, call());
    assert.equal('x-api-key' in (requests[0]?.headers ?? {}), false);
  });
});
