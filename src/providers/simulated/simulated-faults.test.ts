import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../spec/index.js';
import { createSeededRandom } from './create-seeded-random.js';
import { createSimulatedHandler } from './create-simulated-handler.js';
import { createTestHandler, post, readAll, sseEvents } from './test-helpers.js';

const chat = { model: 'sim-small', messages: [{ role: 'user', content: 'Tell me about the tides.' }] };
const anthropic = {
  model: 'claude-sonnet-4-5',
  max_tokens: 200,
  messages: [{ role: 'user', content: 'Tell me about the tides.' }],
};
const fault = (value: string) => ({ 'x-sim-fault': value });

async function rejects(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error instanceof GatewayError && error.code === code);
}

describe('simulated faults', () => {
  it('rate_limit: 429 with retry-after in each protocol', async () => {
    const handler = createTestHandler({ faults: [{ kind: 'rate_limit', probability: 1, retryAfterS: 7 }] });
    const openai = await readAll(await post(handler, { path: '/v1/chat/completions', body: chat }));
    assert.equal(openai.status, 429);
    assert.equal(openai.headers['retry-after'], '7');
    assert.equal(JSON.parse(openai.text).error.code, 'rate_limit_exceeded');
    const claude = await readAll(
      await post(handler, { path: '/v1/messages', body: anthropic, headers: fault('rate_limit; retry-after=3') }),
    );
    assert.equal(claude.status, 429);
    assert.equal(claude.headers['retry-after'], '3');
    assert.equal(JSON.parse(claude.text).error.type, 'rate_limit_error');
  });

  it('server_error: 500; overloaded: 503 for OpenAI and 529 for Anthropic', async () => {
    const handler = createTestHandler();
    const serverError = await readAll(
      await post(handler, { path: '/v1/chat/completions', body: chat, headers: fault('server_error') }),
    );
    assert.equal(serverError.status, 500);
    assert.equal(JSON.parse(serverError.text).error.type, 'server_error');
    const openai = await post(handler, { path: '/v1/chat/completions', body: chat, headers: fault('overloaded') });
    assert.equal(openai.status, 503);
    const claude = await readAll(
      await post(handler, { path: '/v1/messages', body: anthropic, headers: fault('overloaded') }),
    );
    assert.equal(claude.status, 529);
    assert.equal(JSON.parse(claude.text).error.type, 'overloaded_error');
  });

  it('reset: fails before the response, or mid-stream after some chunks', async () => {
    const handler = createTestHandler();
    await rejects(
      post(handler, { path: '/v1/chat/completions', body: chat, headers: fault('reset') }),
      'upstream_connection',
    );
    const streaming = await post(handler, {
      path: '/v1/chat/completions',
      body: { ...chat, stream: true },
      headers: fault('reset'),
    });
    assert.equal(streaming.status, 200);
    const received: string[] = [];
    await rejects(
      (async () => {
        for await (const chunk of streaming.body) received.push(Buffer.from(chunk).toString('utf8'));
      })(),
      'upstream_connection',
    );
    assert.ok(received.length >= 1, 'some chunks arrive before the reset');
    assert.doesNotMatch(received.join(''), /\[DONE\]/);
    const midBody = await post(handler, {
      path: '/v1/chat/completions',
      body: chat,
      headers: fault('reset; at=during'),
    });
    await rejects(readAll(midBody), 'upstream_connection');
  });

  it('cut_stream: the stream ends half-way with no finish, usage, [DONE] or message_stop', async () => {
    const handler = createTestHandler();
    const openai = await readAll(
      await post(handler, {
        path: '/v1/chat/completions',
        body: { ...chat, stream: true, stream_options: { include_usage: true } },
        headers: fault('cut_stream'),
      }),
    );
    const events = sseEvents(openai.text);
    assert.ok(events.length >= 2);
    assert.ok(events.every((event) => event.data !== '[DONE]'));
    for (const event of events) {
      const chunk = JSON.parse(event.data);
      assert.equal(chunk.choices[0]?.finish_reason ?? null, null);
      assert.equal(chunk.usage ?? null, null);
    }
    const claude = await readAll(
      await post(handler, { path: '/v1/messages', body: { ...anthropic, stream: true }, headers: fault('cut_stream') }),
    );
    const names = sseEvents(claude.text).map((event) => event.event);
    assert.equal(names[0], 'message_start');
    assert.ok(!names.includes('message_stop') && !names.includes('message_delta'));
    const plain = await readAll(
      await post(handler, { path: '/v1/chat/completions', body: chat, headers: fault('cut_stream') }),
    );
    assert.throws(() => JSON.parse(plain.text), SyntaxError);
  });

  it('malformed: a non-JSON body, or one garbage data line in a stream', async () => {
    const handler = createTestHandler();
    const plain = await readAll(
      await post(handler, { path: '/v1/chat/completions', body: chat, headers: fault('malformed') }),
    );
    assert.equal(plain.status, 200);
    assert.throws(() => JSON.parse(plain.text), SyntaxError);
    const streamed = await readAll(
      await post(handler, { path: '/v1/messages', body: { ...anthropic, stream: true }, headers: fault('malformed') }),
    );
    const unparseable = sseEvents(streamed.text).filter((event) => {
      try {
        JSON.parse(event.data);
        return false;
      } catch {
        return true;
      }
    });
    assert.equal(unparseable.length, 1);
  });

  it('timeout: no response until the signal aborts, or until the first-byte timeout', async () => {
    const handler = createTestHandler();
    const controller = new AbortController();
    const pending = post(handler, {
      path: '/v1/chat/completions',
      body: chat,
      headers: fault('timeout'),
      signal: controller.signal,
    });
    let settled = false;
    void pending.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(settled, false, 'still waiting');
    controller.abort();
    await rejects(pending, 'cancelled');
    await rejects(
      handler.handle({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: fault('timeout'),
        body: JSON.stringify(chat),
        firstByteTimeoutMs: 500,
      }),
      'upstream_timeout',
    );
  });

  it('injects random faults at the configured rate, repeatably with a seeded random source', async () => {
    const statuses = async (): Promise<number[]> => {
      const handler = createTestHandler({
        random: createSeededRandom(42),
        faults: [
          { kind: 'rate_limit', probability: 0.3 },
          { kind: 'server_error', probability: 0.2 },
        ],
      });
      const result: number[] = [];
      for (let index = 0; index < 200; index++)
        result.push((await post(handler, { path: '/v1/chat/completions', body: chat })).status);
      return result;
    };
    const first = await statuses();
    assert.deepEqual(await statuses(), first);
    const share = (status: number) => first.filter((value) => value === status).length / first.length;
    assert.ok(share(429) > 0.2 && share(429) < 0.4, String(share(429)));
    assert.ok(share(500) > 0.1 && share(500) < 0.3, String(share(500)));
    assert.ok(share(200) > 0.4 && share(200) < 0.6, String(share(200)));
    const suppressed = createTestHandler({ faults: [{ kind: 'server_error', probability: 1 }] });
    assert.equal(
      (await post(suppressed, { path: '/v1/chat/completions', body: chat, headers: fault('none') })).status,
      200,
    );
    assert.equal(
      (await post(suppressed, { path: '/v1/chat/completions', body: chat, headers: fault('bogus') })).status,
      400,
    );
  });
});

describe('simulated timing', () => {
  it('takes ttft plus output tokens at the configured speed, on the injected clock', async () => {
    let clock = 0;
    const handler = createSimulatedHandler({
      ttftMs: 300,
      tokensPerSecond: 50,
      now: () => clock,
      sleep: async (milliseconds) => {
        clock += milliseconds;
      },
    });
    const plain = await post(handler, { path: '/v1/chat/completions', body: chat });
    const outputTokens = JSON.parse((await readAll(plain)).text).usage.completion_tokens;
    assert.ok(Math.abs(clock - (300 + (outputTokens / 50) * 1000)) < 1, `${clock} ms for ${outputTokens} tokens`);

    clock = 0;
    const streamed = await post(handler, { path: '/v1/chat/completions', body: { ...chat, stream: true } });
    assert.equal(clock, 300, 'the first byte comes at the time to first token');
    const arrivals: number[] = [];
    for await (const _ of streamed.body) arrivals.push(clock);
    assert.ok(arrivals.length >= 5);
    assert.ok(Math.abs((arrivals.at(-1) ?? 0) - (300 + (outputTokens / 50) * 1000)) < 1);
    assert.ok(
      arrivals.every((time, index) => index === 0 || time > (arrivals[index - 1] ?? 0)),
      'chunks are spread out',
    );
  });

  it('fails with upstream_timeout when the first byte or a pause is longer than allowed', async () => {
    const handler = createSimulatedHandler({ ttftMs: 2000, sleep: async () => {} });
    await rejects(
      handler.handle({
        method: 'POST',
        path: '/v1/chat/completions',
        headers: {},
        body: JSON.stringify(chat),
        firstByteTimeoutMs: 1000,
      }),
      'upstream_timeout',
    );
    const slow = createSimulatedHandler({ ttftMs: 0, tokensPerSecond: 1, sleep: async () => {} });
    const response = await slow.handle({
      method: 'POST',
      path: '/v1/chat/completions',
      headers: {},
      body: JSON.stringify({ ...chat, stream: true }),
      idleTimeoutMs: 500,
    });
    await rejects(readAll(response), 'upstream_timeout');
  });

  it('stops a stream when the signal aborts', async () => {
    const handler = createSimulatedHandler({ ttftMs: 0, tokensPerSecond: 200 });
    const controller = new AbortController();
    const response = await post(handler, {
      path: '/v1/chat/completions',
      body: { ...chat, stream: true },
      signal: controller.signal,
    });
    let chunks = 0;
    await rejects(
      (async () => {
        for await (const _ of response.body) {
          chunks += 1;
          if (chunks === 2) controller.abort();
        }
      })(),
      'cancelled',
    );
    assert.equal(chunks, 2);
  });
});
