import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { estimateMaxCost } from '../../src/pricing/compute-cost.js';
import { countChatRequestTokens } from '../../src/tokens/count-tokens.js';
import {
  eventually,
  type ResilientGateway,
  runPool,
  startResilientGateway,
  temporaryFolder,
} from './start-resilient-gateway.js';

const LIMIT_USD = 5;
const COOLDOWN_MS = 300;
const MAX_TOKENS = 30;
const PROMPT = 'Tell me a long story about a toll bridge in a storm.';

/** A small seeded generator (mulberry32), so the fault sequence is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function faults(scale: number) {
  return [
    { kind: 'rate_limit', probability: 0.1 * scale, retry_after_s: 0 },
    { kind: 'server_error', probability: 0.25 * scale },
    { kind: 'reset', probability: 0.15 * scale },
    { kind: 'timeout', probability: 0.15 * scale },
    { kind: 'cut_stream', probability: 0.15 * scale },
    { kind: 'malformed', probability: 0.1 * scale },
  ];
}

type Upstream = { name: string; simulation: { faults: unknown[] } & Record<string, unknown> } & Record<string, unknown>;

function upstream(name: string, faultScale: number, protocol: 'openai' | 'anthropic'): Upstream {
  return {
    name,
    kind: 'simulated',
    timeouts: { first_byte_ms: 100 },
    simulation: { protocol, ttft_ms: 0, tokens_per_second: 100_000, faults: faults(faultScale) },
    models: [{ name: `${name}-model`, pricing: { input_per_mtok: 1_000, output_per_mtok: 1_000 } }],
  };
}

interface Checked {
  requestId: string;
  attemptsHeader: number;
  ok: boolean;
}

/** Sends one request and checks that it ended in a valid answer or a protocol-correct error. */
async function sendAndCheck(url: string, index: number): Promise<Checked> {
  const anthropic = index % 3 === 2;
  const stream = index % 2 === 1;
  const response = await fetch(`${url}/v1/${anthropic ? 'messages' : 'chat/completions'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-tollgate-tenant': 'chaos' },
    body: JSON.stringify({
      model: 'chain',
      max_tokens: MAX_TOKENS,
      stream,
      messages: [{ role: 'user', content: PROMPT }],
    }),
  });
  const body = await response.text();
  const requestId = response.headers.get('x-tollgate-request-id') ?? '';
  const attemptsHeader = Number(response.headers.get('x-tollgate-attempts') ?? 0);
  const where = `request ${index} (${anthropic ? 'anthropic' : 'openai'}${stream ? ', stream' : ''}) → ${response.status}: ${body.slice(0, 300)}`;
  if (response.status !== 200) {
    const error = JSON.parse(body) as { type?: string; error?: { type?: string; message?: string } };
    assert.ok(response.status >= 400, where);
    assert.equal(typeof error.error?.message, 'string', where);
    assert.equal(typeof error.error?.type, 'string', where);
    if (anthropic) assert.equal(error.type, 'error', where);
    return { requestId, attemptsHeader, ok: false };
  }
  if (!stream) {
    const answer = JSON.parse(body) as {
      type?: string;
      content?: unknown[];
      choices?: { message?: { content?: string } }[];
    };
    if (anthropic) assert.ok(answer.type === 'message' && (answer.content?.length ?? 0) > 0, where);
    else assert.equal(typeof answer.choices?.[0]?.message?.content, 'string', where);
    return { requestId, attemptsHeader, ok: true };
  }
  if (anthropic) {
    const finished = body.includes('event: message_stop');
    const failed = body.includes('event: error');
    assert.ok(finished !== failed, `exactly one of message_stop or error: ${where}`);
    return { requestId, attemptsHeader, ok: finished };
  }
  const finished = body.includes('data: [DONE]') && /"finish_reason":"(stop|length)"/.test(body);
  const failed = /data: \{"error":/.test(body) && !body.includes('data: [DONE]');
  assert.ok(finished !== failed, `a clean end or an error event, never both or neither: ${where}`);
  return { requestId, attemptsHeader, ok: finished };
}

describe('chaos: three upstreams failing at random under concurrent load', () => {
  const folder = temporaryFolder();
  let config: { providers: Upstream[] } & Record<string, unknown>;
  let harness: ResilientGateway;
  before(async () => {
    config = {
      storage: { ledger: 'off', sqlite_path: folder.path('keys.db') },
      server: { max_retries: 1 },
      resilience: { breaker: { min_requests: 5, failure_ratio: 0.5, cooldown_ms: COOLDOWN_MS, window_ms: 5_000 } },
      providers: [upstream('a', 0.8, 'openai'), upstream('b', 0.4, 'anthropic'), upstream('c', 0.1, 'openai')],
      tiers: { chain: { deployments: ['a/a-model', 'b/b-model', 'c/c-model'] } },
      budgets: [{ scope: 'tenant', match: 'chaos', limit_usd: LIMIT_USD, window: 'day' }],
    };
    harness = await startResilientGateway({ config, simulation: { sleep: async () => {}, random: seeded(42) } });
  });
  after(async () => {
    await harness.close();
    folder.cleanup();
  });

  it('ends every request in an answer or a protocol-correct error, records every attempt, holds the budget, and opens then recovers breakers', async () => {
    const results = await runPool({ count: 150, concurrency: 25, task: (index) => sendAndCheck(harness.url, index) });
    const succeeded = results.filter((result) => result.ok).length;
    assert.ok(succeeded >= 60, `${succeeded} of 150 answered`);

    await eventually(() => harness.settled.length >= 150);
    const settled = new Map(harness.settled.map((request) => [request.requestId, request]));
    for (const result of results) {
      const record = settled.get(result.requestId);
      assert.ok(record, `request ${result.requestId} is on record`);
      assert.equal(record.attempts.length, result.attemptsHeader, 'every attempt is on record');
    }

    let spentUsd = Number.NaN;
    await eventually(async () => {
      const budget = (await harness.layers.budgets.snapshot()).find((entry) => entry.subject === 'chaos');
      spentUsd = budget?.spentUsd ?? Number.NaN;
      return budget?.heldUsd === 0;
    });
    const price = harness.gateway.core.runtime.deployments.get('a/a-model')?.price;
    assert.ok(price);
    const maxCost = estimateMaxCost({
      inputTokens: countChatRequestTokens({
        model: 'chain',
        stream: false,
        messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
      }),
      maxOutputTokens: MAX_TOKENS,
      price,
    });
    assert.ok(spentUsd <= LIMIT_USD + maxCost, `spent ${spentUsd} of ${LIMIT_USD}`);

    const during = await harness.layers.snapshot();
    assert.ok(during.counters.breakerOpenings >= 1, 'the worst upstream tripped its breaker');
    assert.ok(during.counters.breakerSkips >= 1, 'open breakers kept traffic off it');
    assert.ok(during.counters.retries > 0 && during.counters.fallbacks > 0);

    for (const provider of config.providers) provider.simulation.faults = [];
    await harness.gateway.reload();
    const deployments = ['a/a-model', 'b/b-model', 'c/c-model'];
    await eventually(async () => {
      await sleep(COOLDOWN_MS / 3);
      await Promise.all(
        deployments.map((model) =>
          fetch(`${harness.url}/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-tollgate-tenant': 'ops' },
            body: JSON.stringify({ model, max_tokens: 5, messages: [{ role: 'user', content: 'ping' }] }),
          }).then((response) => response.text()),
        ),
      );
      await sleep(5);
      const { breakers } = await harness.layers.snapshot();
      return deployments.every((id) => breakers.find((breaker) => breaker.deployment === id)?.phase === 'closed');
    }, 5_000);
  });
});
