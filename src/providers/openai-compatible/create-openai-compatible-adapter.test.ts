import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamPart } from '../../spec/index.js';
import { createReplayTransport, readFixture } from '../openai/__fixtures__/replay-transport.js';
import type { EndpointSettings } from '../provider-adapter.js';
import { compatiblePresets } from './compatible-presets.js';
import { createOpenAiCompatibleAdapter } from './create-openai-compatible-adapter.js';

const endpoint: EndpointSettings = {
  name: 'deepseek',
  baseUrl: '',
  apiKey: 'sk-deepseek-test-key',
  headers: {},
  timeouts: { connectMs: 1000, firstByteMs: 1000, idleMs: 1000 },
};

const callOptions = (warnings: string[] = []) => ({
  upstreamModel: 'deepseek-reasoner',
  signal: new AbortController().signal,
  warn: (message: string) => warnings.push(message),
});

const question = {
  model: 'reasoner',
  messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: '9.11 and 9.8, which is greater?' }] }],
  maxOutputTokens: 1000,
  stream: false,
};

describe('createOpenAiCompatibleAdapter', () => {
  it('serves DeepSeek from its preset: base URL, max_tokens, reasoning_content and cache hit/miss usage', async () => {
    const replay = createReplayTransport({ body: readFixture('deepseek-chat-reasoner.json') });
    const adapter = createOpenAiCompatibleAdapter({
      context: { endpoint, transport: replay.transport },
      preset: 'deepseek',
    });
    const response = await adapter.chat(question, callOptions());

    assert.equal(replay.requests[0]?.url, 'https://api.deepseek.com/chat/completions');
    const body = JSON.parse(replay.requests[0]?.body ?? '{}') as Record<string, unknown>;
    assert.equal(body.max_tokens, 1000);
    assert.equal(body.max_completion_tokens, undefined);
    assert.deepEqual(
      response.content.map((part) => part.type),
      ['reasoning', 'text'],
    );
    assert.equal(response.usage.cacheReadInputTokens, 1408);
    assert.equal(response.usage.uncachedInputTokens, 134);
    assert.equal(response.usage.reasoningTokens, 351);
    assert.equal(adapter.embed, undefined);
  });

  it('streams DeepSeek reasoning, then text, with usage from the chunk that also finishes', async () => {
    const replay = createReplayTransport({ body: readFixture('deepseek-stream-reasoning.sse') });
    const adapter = createOpenAiCompatibleAdapter({
      context: { endpoint, transport: replay.transport },
      preset: 'deepseek',
    });
    const parts: StreamPart[] = [];
    for await (const part of await adapter.stream({ ...question, stream: true }, callOptions())) parts.push(part);
    assert.deepEqual(
      parts.map((part) => part.type),
      ['start', 'reasoning-delta', 'reasoning-delta', 'text-delta', 'text-delta', 'usage', 'finish'],
    );
    const text = parts.map((part) => (part.type === 'text-delta' ? part.text : '')).join('');
    assert.equal(text, '9.8 is greater.');
    const usage = parts[5]?.type === 'usage' ? parts[5].usage : undefined;
    assert.equal(usage?.cacheReadInputTokens, 1408);
  });

  it('uses a configured base URL over the preset one', async () => {
    const replay = createReplayTransport({ body: readFixture('openrouter-chat.json') });
    const adapter = createOpenAiCompatibleAdapter({
      context: {
        endpoint: { ...endpoint, name: 'router', baseUrl: 'https://proxy.example/api/v1' },
        transport: replay.transport,
      },
      preset: 'openrouter',
    });
    const response = await adapter.chat(question, callOptions());
    assert.equal(replay.requests[0]?.url, 'https://proxy.example/api/v1/chat/completions');
    assert.equal(response.usage.cacheWriteInputTokens, 3180);
  });

  it('treats a server without preset conservatively, and lets single quirks be overridden', async () => {
    const replay = createReplayTransport(
      { body: readFixture('chat-json-mode.json') },
      { body: readFixture('chat-json-mode.json') },
    );
    const context = {
      endpoint: { ...endpoint, name: 'lab', baseUrl: 'http://127.0.0.1:9999/v1' },
      transport: replay.transport,
    };
    const request = {
      ...question,
      responseFormat: { type: 'json_schema' as const, name: 'n', schema: { type: 'object' } },
    };
    const warnings: string[] = [];
    await createOpenAiCompatibleAdapter({ context }).chat(request, callOptions(warnings));
    assert.deepEqual(JSON.parse(replay.requests[0]?.body ?? '{}').response_format, { type: 'json_object' });
    assert.match(warnings.join('\n'), /json_schema downgraded to json_object: OpenAI-compatible/);

    await createOpenAiCompatibleAdapter({ context, quirks: { supportsJsonSchema: true } }).chat(request, callOptions());
    assert.equal(JSON.parse(replay.requests[1]?.body ?? '{}').response_format.type, 'json_schema');
  });

  it('keeps every local preset on loopback without a key, and every cloud preset on https with a key variable', () => {
    for (const [name, preset] of Object.entries(compatiblePresets)) {
      const url = new URL(preset.baseUrl);
      if (preset.location === 'local') {
        assert.equal(url.hostname, '127.0.0.1', name);
        assert.equal(preset.apiKeyEnv, undefined, name);
      } else {
        assert.equal(url.protocol, 'https:', name);
        assert.match(preset.apiKeyEnv ?? '', /^[A-Z_]+_API_KEY$/, name);
      }
    }
    assert.equal(compatiblePresets.openrouter.baseUrl, 'https://openrouter.ai/api/v1');
    assert.equal(compatiblePresets.groq.baseUrl, 'https://api.groq.com/openai/v1');
    assert.equal(compatiblePresets.ollama.baseUrl, 'http://127.0.0.1:11434/v1');
  });
});
