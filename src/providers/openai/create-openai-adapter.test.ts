import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type StreamPart } from '../../spec/index.js';
import type { EndpointSettings } from '../provider-adapter.js';
import {
  createReplayTransport,
  errorResponse,
  type ReplayResponse,
  readFixture,
} from './__fixtures__/replay-transport.js';
import { createOpenAiAdapter } from './create-openai-adapter.js';

const API_KEY = 'sk-test-0123456789abcdefSECRET';

const endpoint: EndpointSettings = {
  name: 'openai',
  baseUrl: 'https://api.openai.com/v1/',
  apiKey: API_KEY,
  headers: { 'OpenAI-Organization': 'org-test' },
  timeouts: { connectMs: 1000, firstByteMs: 2000, idleMs: 3000 },
};

const request = {
  model: 'fast',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Hello' }] }],
  stream: false,
};

function setup(...responses: ReplayResponse[]) {
  const replay = createReplayTransport(...responses);
  const adapter = createOpenAiAdapter({ endpoint, transport: replay.transport });
  const warnings: string[] = [];
  const controller = new AbortController();
  const options = {
    upstreamModel: 'gpt-4o-mini',
    signal: controller.signal,
    warn: (message: string) => warnings.push(message),
  };
  return { adapter, requests: replay.requests, warnings, options, controller };
}

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function ok(name: string): ReplayResponse {
  return {
    body: readFixture(name),
    headers: { 'content-type': name.endsWith('.sse') ? 'text/event-stream' : 'application/json' },
  };
}

function requestBody(requests: { body?: string }[], index = 0): Record<string, unknown> {
  return JSON.parse(requests[index]?.body ?? 'null') as Record<string, unknown>;
}

describe('createOpenAiAdapter chat', () => {
  it('posts to /chat/completions with the key, headers, signal and timeouts, and reads cached tokens', async () => {
    const { adapter, requests, options } = setup(ok('chat-cached-tokens.json'));
    const response = await adapter.chat(request, options);

    const sent = requests[0]!;
    assert.equal(sent.url, 'https://api.openai.com/v1/chat/completions');
    assert.equal(sent.method, 'POST');
    assert.equal(sent.headers.authorization, `Bearer ${API_KEY}`);
    assert.equal(sent.headers['openai-organization'], 'org-test');
    assert.equal(sent.headers['content-type'], 'application/json');
    assert.equal(sent.signal, options.signal);
    assert.deepEqual(sent.timeouts, endpoint.timeouts);
    assert.deepEqual(requestBody(requests), {
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hello' }],
      stream: false,
    });

    assert.equal(response.id, 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG');
    assert.equal(response.model, 'gpt-4o-2024-08-06');
    assert.equal(response.finishReason, 'stop');
    assert.deepEqual(response.content, [
      {
        type: 'text',
        text: "The agreement may be terminated by either party with 30 days' written notice, as stated in Section 12.2.",
      },
    ]);
    // cached_tokens is part of prompt_tokens: 2006 - 1920 = 86 uncached.
    assert.deepEqual(response.usage, {
      uncachedInputTokens: 86,
      cacheReadInputTokens: 1920,
      cacheWriteInputTokens: 0,
      cacheWrite1hInputTokens: 0,
      outputTokens: 300,
      reasoningTokens: 0,
      source: 'reported',
    });
  });

  it('reads reasoning tokens as part of the output', async () => {
    const { adapter, options } = setup(ok('chat-reasoning-tokens.json'));
    const response = await adapter.chat(request, options);
    assert.equal(response.usage.outputTokens, 1186);
    assert.equal(response.usage.reasoningTokens, 1024);
    assert.equal(response.usage.uncachedInputTokens, 75);
  });

  it('returns tool calls in order with their ids and raw arguments', async () => {
    const { adapter, options } = setup(ok('chat-tool-calls.json'));
    const response = await adapter.chat(request, options);
    assert.equal(response.finishReason, 'tool-calls');
    assert.deepEqual(response.content, [
      { type: 'tool-call', id: 'call_12345xyz', name: 'get_weather', arguments: '{"location":"Paris, France"}' },
      { type: 'tool-call', id: 'call_67890abc', name: 'get_weather', arguments: '{"location":"Bogotá, Colombia"}' },
    ]);
  });

  it('sends JSON mode and returns the JSON text untouched', async () => {
    const { adapter, requests, options } = setup(ok('chat-json-mode.json'));
    const response = await adapter.chat({ ...request, responseFormat: { type: 'json_object' } }, options);
    assert.deepEqual(requestBody(requests).response_format, { type: 'json_object' });
    const first = response.content[0];
    assert.equal(first?.type, 'text');
    assert.deepEqual(JSON.parse(first.type === 'text' ? first.text : ''), {
      winner: 'Los Angeles Dodgers',
      year: 2020,
      series: 'World Series',
    });
  });

  it('counts usage with a tokenizer when the server reports none, and says so', async () => {
    const body = JSON.parse(readFixture('chat-json-mode.json')) as Record<string, unknown>;
    delete body.usage;
    const { adapter, options } = setup({ body: JSON.stringify(body) });
    const response = await adapter.chat(request, options);
    assert.equal(response.usage.source, 'counted');
    assert.ok(response.usage.uncachedInputTokens > 0);
    assert.ok(
      response.usage.outputTokens >= 15 && response.usage.outputTokens <= 30,
      String(response.usage.outputTokens),
    );
  });

  it('rejects a 200 body that is not JSON, or not a chat completion, as upstream_malformed', async () => {
    for (const body of ['<html>gateway</html>', '{"object":"chat.completion","choices":[]}']) {
      const { adapter, options } = setup({ body });
      await assert.rejects(adapter.chat(request, options), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'upstream_malformed');
        assert.equal(error.retryable, true);
        assert.match(error.message, /OpenAI endpoint "openai" \(api\.openai\.com\)/);
        return true;
      });
    }
  });

  it('sends no authorization header when the endpoint has no key', async () => {
    const replay = createReplayTransport(ok('chat-json-mode.json'));
    const adapter = createOpenAiAdapter({ endpoint: { ...endpoint, apiKey: undefined }, transport: replay.transport });
    await adapter.chat(request, { upstreamModel: 'm', signal: new AbortController().signal, warn: () => {} });
    assert.equal(replay.requests[0]?.headers.authorization, undefined);
  });

  it('lets a transport failure through unchanged', async () => {
    const timeout = new GatewayError({ code: 'upstream_timeout', message: 'first byte timeout' });
    const adapter = createOpenAiAdapter({
      endpoint,
      transport: async () => {
        throw timeout;
      },
    });
    await assert.rejects(
      adapter.chat(request, { upstreamModel: 'm', signal: new AbortController().signal, warn: () => {} }),
      timeout,
    );
  });
});

describe('createOpenAiAdapter errors', () => {
  const cases: {
    fixture: string;
    code: string;
    status: number;
    retryable: boolean;
    retryAfterMs?: number;
    message: RegExp;
  }[] = [
    {
      fixture: 'error-400-invalid-request.json',
      code: 'upstream_invalid_request',
      status: 400,
      retryable: false,
      message: /answered HTTP 400: Invalid value: 'bot'.*\(invalid_value\)/,
    },
    {
      fixture: 'error-400-context-length.json',
      code: 'context_length_exceeded',
      status: 400,
      retryable: false,
      message: /maximum context length is 128000/,
    },
    {
      fixture: 'vllm-400-context-length.json',
      code: 'context_length_exceeded',
      status: 400,
      retryable: false,
      message: /maximum context length is 8192/,
    },
    {
      fixture: 'error-401-invalid-key.json',
      code: 'upstream_authentication',
      status: 502,
      retryable: false,
      message: /rejected the gateway's credentials/,
    },
    {
      fixture: 'error-404-model.json',
      code: 'upstream_invalid_request',
      status: 400,
      retryable: false,
      message: /gpt-9-turbo` does not exist/,
    },
    {
      fixture: 'error-429-rate-limit.json',
      code: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 1486,
      message: /Rate limit reached/,
    },
    {
      fixture: 'error-429-insufficient-quota.json',
      code: 'upstream_authentication',
      status: 502,
      retryable: false,
      message: /no quota left/,
    },
    {
      fixture: 'error-500-server.json',
      code: 'upstream_error',
      status: 502,
      retryable: true,
      message: /answered HTTP 500: The server had an error/,
    },
    {
      fixture: 'error-502-html.json',
      code: 'upstream_error',
      status: 502,
      retryable: true,
      message: /answered HTTP 502: 502 Bad Gateway 502 Bad Gateway cloudflare$/,
    },
    {
      fixture: 'error-503-overloaded.json',
      code: 'upstream_overloaded',
      status: 503,
      retryable: true,
      retryAfterMs: 5000,
      message: /overloaded/,
    },
  ];
  for (const expected of cases) {
    it(`maps ${expected.fixture} to ${expected.code}, from chat and from stream`, async () => {
      for (const call of ['chat', 'stream'] as const) {
        const { adapter, options } = setup(errorResponse(expected.fixture));
        await assert.rejects(adapter[call]({ ...request, stream: call === 'stream' }, options), (error: unknown) => {
          assert.ok(error instanceof GatewayError);
          assert.equal(error.code, expected.code);
          assert.equal(error.status, expected.status);
          assert.equal(error.retryable, expected.retryable);
          assert.equal(error.upstreamStatus, errorResponse(expected.fixture).status);
          assert.equal(error.endpoint, 'openai');
          assert.equal(error.retryAfterMs, expected.retryAfterMs);
          assert.match(error.message, expected.message);
          assert.match(error.message, /^OpenAI endpoint "openai"/);
          assert.doesNotMatch(error.message, /sk-|SECRET/);
          return true;
        });
      }
    });
  }

  it('reads retry-after given as an HTTP date', async () => {
    const { adapter, options } = setup(errorResponse('error-429-retry-after-date.json'));
    await assert.rejects(adapter.chat(request, options), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      const expected = Date.parse('Wed, 21 Oct 2037 07:28:00 GMT') - Date.now();
      assert.ok(Math.abs((error.retryAfterMs ?? 0) - expected) < 5_000);
      return true;
    });
  });

  it('never repeats the configured key, even when the provider echoes it', async () => {
    const { adapter, options } = setup({
      status: 400,
      body: JSON.stringify({ error: { message: `Bad header: Bearer ${API_KEY}`, type: 'invalid_request_error' } }),
    });
    await assert.rejects(adapter.chat(request, options), (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.ok(!error.message.includes(API_KEY));
      assert.match(error.message, /\[redacted\]/);
      return true;
    });
  });
});

describe('createOpenAiAdapter stream', () => {
  it('streams text, keeps the usage chunk that follows finish_reason, and finishes last', async () => {
    const { adapter, requests, options } = setup(ok('stream-text-usage.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    const body = requestBody(requests);
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(requests[0]?.headers.accept, 'text/event-stream');
    assert.deepEqual(parts, [
      { type: 'start', id: 'chatcmpl-C1lYsDWdyYJkDmm8SkW9uTvmHSz0b', model: 'gpt-4o-mini-2024-07-18' },
      { type: 'text-delta', text: 'Hello' },
      { type: 'text-delta', text: '! How' },
      { type: 'text-delta', text: ' can I help you today?' },
      {
        type: 'usage',
        usage: {
          uncachedInputTokens: 256,
          cacheReadInputTokens: 1280,
          cacheWriteInputTokens: 0,
          cacheWrite1hInputTokens: 0,
          outputTokens: 9,
          reasoningTokens: 0,
          source: 'reported',
        },
      },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('streams tool calls split across chunks with their index, id and name once', async () => {
    const { adapter, options } = setup(ok('stream-tool-calls.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    const deltas = parts.filter((part) => part.type === 'tool-call-delta');
    assert.deepEqual(deltas[0], {
      type: 'tool-call-delta',
      index: 0,
      id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA',
      name: 'get_weather',
      argumentsDelta: '',
    });
    assert.equal(deltas.filter((part) => part.id !== undefined).length, 2);
    const calls = new Map<number, string>();
    for (const delta of deltas) calls.set(delta.index, (calls.get(delta.index) ?? '') + delta.argumentsDelta);
    assert.deepEqual(JSON.parse(calls.get(0)!), { location: 'Paris, France' });
    assert.deepEqual(JSON.parse(calls.get(1)!), { location: 'Bogotá, Colombia' });
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'tool-calls' });
    assert.equal(parts.at(-2)?.type, 'usage');
  });

  it('turns a body that ends mid-answer into a stream_cut error, never a clean end', async () => {
    const { adapter, options } = setup(ok('stream-cut.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    assert.deepEqual(
      parts.slice(0, -1).map((part) => part.type),
      ['start', 'text-delta', 'text-delta'],
    );
    const last = parts.at(-1);
    assert.equal(last?.type, 'error');
    assert.equal(last.type === 'error' && last.error.code, 'stream_cut');
  });

  it('ends cleanly when the finish reason came but [DONE] did not', async () => {
    const { adapter, options } = setup(ok('stream-finish-without-done.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'length' });
    assert.ok(!parts.some((part) => part.type === 'error'));
  });

  it('turns a chunk that fails validation into an upstream_malformed part and stops there', async () => {
    const { adapter, options } = setup(ok('stream-malformed-chunk.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    assert.deepEqual(
      parts.map((part) => part.type),
      ['start', 'error'],
    );
    const error = parts[1]?.type === 'error' ? parts[1].error : undefined;
    assert.equal(error?.code, 'upstream_malformed');
    assert.match(error?.message ?? '', /choices\.0\.delta\.content/);
  });

  it('turns an event that is not JSON into an upstream_malformed part', async () => {
    const { adapter, options } = setup(ok('stream-truncated-json.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    const last = parts.at(-1);
    assert.equal(last?.type === 'error' && last.error.code, 'upstream_malformed');
  });

  it('turns an {"error": ...} event mid-stream into an error part', async () => {
    const { adapter, options } = setup(ok('stream-error-event.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    assert.deepEqual(
      parts.map((part) => part.type),
      ['start', 'text-delta', 'error'],
    );
    const last = parts.at(-1);
    assert.ok(last?.type === 'error');
    assert.equal(last.error.code, 'upstream_error');
    assert.equal(last.error.retryable, true);
    assert.match(last.error.message, /mid-stream: The server had an error/);
  });

  it('reads OpenRouter reasoning and its usage chunk', async () => {
    const { adapter, options } = setup(ok('openrouter-stream.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    assert.deepEqual(
      parts.map((part) => part.type),
      ['start', 'reasoning-delta', 'text-delta', 'usage', 'finish'],
    );
    const usage = parts[3]?.type === 'usage' ? parts[3].usage : undefined;
    assert.equal(usage?.cacheReadInputTokens, 1152);
    assert.equal(usage?.uncachedInputTokens, 138);
    assert.equal(usage?.reasoningTokens, 192);
  });

  it('reads Groq usage from x_groq on the last chunk', async () => {
    const { adapter, options } = setup(ok('groq-stream-x-groq-usage.sse'));
    const parts = await collect(await adapter.stream({ ...request, stream: true }, options));
    const usage = parts.find((part) => part.type === 'usage');
    assert.equal(usage?.type === 'usage' && usage.usage.uncachedInputTokens, 45);
    assert.equal(usage?.type === 'usage' && usage.usage.outputTokens, 4);
    assert.deepEqual(parts.at(-1), { type: 'finish', finishReason: 'stop' });
  });

  it('passes the abort signal to the transport', async () => {
    const { adapter, requests, options, controller } = setup(ok('stream-text-usage.sse'));
    await collect(await adapter.stream({ ...request, stream: true }, options));
    controller.abort();
    assert.equal(requests[0]?.signal?.aborted, true);
  });
});

describe('createOpenAiAdapter embed', () => {
  it('posts the inputs to /embeddings and returns vectors in input order', async () => {
    const { adapter, requests, options } = setup(ok('embeddings.json'));
    assert.ok(adapter.embed);
    const response = await adapter.embed(
      { model: 'embed', input: ['first text', 'second text'], dimensions: 4 },
      { ...options, upstreamModel: 'text-embedding-3-small' },
    );
    assert.equal(requests[0]?.url, 'https://api.openai.com/v1/embeddings');
    assert.deepEqual(requestBody(requests), {
      model: 'text-embedding-3-small',
      input: ['first text', 'second text'],
      encoding_format: 'float',
      dimensions: 4,
    });
    assert.deepEqual(response, {
      model: 'text-embedding-3-small',
      embeddings: [
        [-0.0069, -0.0053, 0.0236, -0.0042],
        [0.0054, -0.0155, 0.0311, -0.0071],
      ],
      inputTokens: 12,
    });
  });

  it('rejects a response with a different number of vectors than inputs', async () => {
    const { adapter, options } = setup(ok('embeddings.json'));
    await assert.rejects(adapter.embed!({ model: 'embed', input: ['only one'] }, options), /2 vectors for 1 inputs/);
  });

  it('maps embedding errors like chat errors', async () => {
    const { adapter, options } = setup(errorResponse('error-429-rate-limit.json'));
    await assert.rejects(adapter.embed!({ model: 'embed', input: ['x'] }, options), { code: 'rate_limited' });
  });
});
