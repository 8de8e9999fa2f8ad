import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPrefixCaching } from '../../src/cache/prefix/apply-prefix-caching.js';
import type { HttpTransport } from '../../src/http/http-transport.js';
import { createAnthropicAdapter } from '../../src/providers/anthropic/create-anthropic-adapter.js';
import { createSimulatedTransport } from '../../src/providers/simulated/create-simulated-transport.js';
import type { ChatRequest } from '../../src/spec/index.js';

const DELIMITER = '---CACHE_BREAK---';
const settings = { enabled: true, delimiter: DELIMITER, ttl: '5m', conversation: true } as const;
// Well above Anthropic's 1,024-token minimum for a cacheable prefix on Sonnet.
const POLICIES = `You are the support agent of Acme Rail. ${'Refunds follow the published fare rules for each ticket class. '.repeat(150)}`;

function anthropicOverSimulator() {
  const bodies: string[] = [];
  const simulated = createSimulatedTransport({ ttftMs: 0, sleep: async () => {} });
  const transport: HttpTransport = async (request) => {
    if (request.body !== undefined) bodies.push(request.body);
    return simulated(request);
  };
  const adapter = createAnthropicAdapter({
    endpoint: {
      name: 'anthropic',
      baseUrl: 'http://simulated.tollgate.invalid/v1',
      apiKey: 'unused',
      headers: {},
      timeouts: { connectMs: 1_000, firstByteMs: 5_000, idleMs: 5_000 },
    },
    transport,
  });
  const call = (request: ChatRequest) =>
    adapter.chat(applyPrefixCaching({ request, protocol: adapter.protocol, settings }), {
      upstreamModel: 'claude-sonnet-4-6',
      signal: new AbortController().signal,
      warn: () => {},
    });
  return { call, bodies };
}

const ask = (question: string, today: string): ChatRequest => ({
  model: 'premium',
  stream: false,
  maxOutputTokens: 100,
  messages: [
    { role: 'system', content: [{ type: 'text', text: `${POLICIES}${DELIMITER}Today is ${today}.` }] },
    { role: 'user', content: [{ type: 'text', text: question }] },
  ],
});

describe('provider prefix caching through the Anthropic adapter (simulated Anthropic API)', () => {
  it('sends cache_control at the delimiter, without it, and the stable prefix is written once then read', async () => {
    const { call, bodies } = anthropicOverSimulator();
    const first = await call(ask('Can I get a refund for a missed train?', 'Monday'));
    const body = JSON.parse(bodies[0] ?? '{}') as { system: { text: string; cache_control?: unknown }[] };
    assert.deepEqual(
      body.system.map((block) => block.cache_control),
      [{ type: 'ephemeral' }, undefined],
    );
    assert.ok(!(bodies[0] ?? '').includes(DELIMITER), 'the delimiter never reaches the provider');
    assert.ok(first.usage.cacheWriteInputTokens > 1_000, `written ${first.usage.cacheWriteInputTokens}`);
    assert.equal(first.usage.cacheReadInputTokens, 0);

    // Another question on another day: the part after the delimiter changed, the prefix is read.
    const second = await call(ask('Do season tickets cover weekends?', 'Tuesday'));
    assert.equal(second.usage.cacheReadInputTokens, first.usage.cacheWriteInputTokens);
    assert.equal(second.usage.cacheWriteInputTokens, 0);
  });

  it('reads the earlier turns of a conversation back from the cache on the next turn', async () => {
    const { call } = anthropicOverSimulator();
    const history: ChatRequest['messages'] = [
      { role: 'system', content: [{ type: 'text', text: 'You are terse.' }] },
      { role: 'user', content: [{ type: 'text', text: `Here is a log:\n${'line: ok\n'.repeat(900)}What failed?` }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Nothing failed.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Are you sure?' }] },
    ];
    const turn = (messages: ChatRequest['messages']): ChatRequest => ({ model: 'premium', stream: false, messages });
    const second = await call(turn(history));
    assert.ok(second.usage.cacheWriteInputTokens > 1_000);
    const third = await call(
      turn([
        ...history,
        { role: 'assistant', content: [{ type: 'text', text: 'Yes.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Thanks.' }] },
      ]),
    );
    assert.equal(third.usage.cacheReadInputTokens, second.usage.cacheWriteInputTokens);
  });
});
