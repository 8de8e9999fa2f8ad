import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ResilientGateway, startResilientGateway, temporaryFolder } from './start-resilient-gateway.js';

const COOLDOWN_MS = 250;

interface FaultyConfig {
  storage: Record<string, unknown>;
  server: Record<string, unknown>;
  resilience: Record<string, unknown>;
  providers: ({ simulation: { faults: Record<string, unknown>[] } & Record<string, unknown> } & Record<
    string,
    unknown
  >)[];
  tiers: Record<string, unknown>;
}

function faultyConfig(kind: string, sqlitePath: string): FaultyConfig {
  return {
    storage: { ledger: 'off', sqlite_path: sqlitePath },
    server: { max_retries: 1 },
    resilience: { breaker: { min_requests: 4, failure_ratio: 0.5, cooldown_ms: COOLDOWN_MS } },
    providers: [
      {
        name: 'flaky',
        kind: 'simulated',
        timeouts: { first_byte_ms: 50 },
        simulation: { ttft_ms: 0, tokens_per_second: 100_000, faults: [{ kind, probability: 1, retry_after_s: 0 }] },
        models: [{ name: 'flaky-model', price_as: 'gpt-5.4-mini' }],
      },
      {
        name: 'steady',
        kind: 'simulated',
        simulation: { ttft_ms: 0, faults: [] },
        models: [{ name: 'steady-model', price_as: 'gpt-5.4-nano' }],
      },
    ],
    tiers: { chain: { deployments: ['flaky/flaky-model', 'steady/steady-model'] } },
  } as FaultyConfig;
}

async function ask(url: string, stream = false) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'chain',
      stream,
      max_tokens: 40,
      messages: [{ role: 'user', content: 'Tell me a long story about bridges and tolls.' }],
    }),
  });
  return {
    status: response.status,
    provider: response.headers.get('x-tollgate-provider'),
    attempts: response.headers.get('x-tollgate-attempts'),
    body: await response.text(),
  };
}

async function breakerOf(harness: ResilientGateway, deployment: string): Promise<string | undefined> {
  const snapshot = await harness.layers.snapshot();
  return snapshot.breakers.find((breaker) => breaker.deployment === deployment)?.phase;
}

/** Lets the fire-and-forget breaker updates of the last request land. */
const settle = () => sleep(5);

for (const kind of ['server_error', 'overloaded', 'reset', 'timeout', 'malformed']) {
  describe(`a ${kind} fault with the breaker on`, () => {
    const folder = temporaryFolder();
    let config: FaultyConfig;
    let harness: ResilientGateway;
    before(async () => {
      config = faultyConfig(kind, folder.path('keys.db'));
      harness = await startResilientGateway({ config: config as unknown as Record<string, unknown> });
    });
    after(async () => {
      await harness.close();
      folder.cleanup();
    });

    it('falls back, opens the breaker so the flaky endpoint is skipped, probes after the cooldown and closes once it heals', async () => {
      for (let request = 0; request < 2; request++) {
        const answer = await ask(harness.url);
        assert.equal(answer.status, 200, answer.body);
        assert.equal(answer.provider, 'steady');
        assert.equal(answer.attempts, '3', 'two tries on flaky, then steady');
        await settle();
      }
      assert.equal(await breakerOf(harness, 'flaky/flaky-model'), 'open');
      const skipped = await ask(harness.url);
      assert.equal(skipped.status, 200);
      assert.equal(skipped.attempts, '1', 'the open breaker skips flaky without calling it');

      await sleep(COOLDOWN_MS + 20);
      const probed = await ask(harness.url);
      assert.equal(probed.attempts, '2', 'one probe on flaky, which fails and reopens the breaker');
      await settle();
      assert.equal(harness.layers.guard.counters.breakerOpenings, 2, 'the failed probe reopened the breaker');

      (config.providers[0] as FaultyConfig['providers'][number]).simulation.faults = [];
      await harness.gateway.reload();
      await sleep(COOLDOWN_MS + 20);
      const healed = await ask(harness.url);
      assert.equal(healed.provider, 'flaky', 'the probe succeeds');
      await settle();
      assert.equal(await breakerOf(harness, 'flaky/flaky-model'), 'closed');
      const snapshot = await harness.layers.snapshot();
      assert.ok(snapshot.counters.breakerSkips >= 2);
      assert.ok(snapshot.counters.retries >= 2 && snapshot.counters.fallbacks >= 3);
    });
  });
}

describe('an upstream 429 with the breaker on', () => {
  const folder = temporaryFolder();
  let harness: ResilientGateway;
  before(async () => {
    harness = await startResilientGateway({
      config: faultyConfig('rate_limit', folder.path('keys.db')) as unknown as Record<string, unknown>,
    });
  });
  after(async () => {
    await harness.close();
    folder.cleanup();
  });

  it('is retried and falls back but never opens the breaker (a 4xx says nothing of the endpoint health)', async () => {
    for (let request = 0; request < 5; request++) {
      const answer = await ask(harness.url);
      assert.equal(answer.status, 200);
      assert.equal(answer.attempts, '3');
      await settle();
    }
    assert.equal(await breakerOf(harness, 'flaky/flaky-model'), 'closed');
  });
});

describe('streams cut after their first token', () => {
  const folder = temporaryFolder();
  let harness: ResilientGateway;
  before(async () => {
    harness = await startResilientGateway({
      config: faultyConfig('cut_stream', folder.path('keys.db')) as unknown as Record<string, unknown>,
    });
  });
  after(async () => {
    await harness.close();
    folder.cleanup();
  });

  it('reach the client as an error event, count against the breaker, and once it opens streams go elsewhere', async () => {
    for (let request = 0; request < 4; request++) {
      const cut = await ask(harness.url, true);
      assert.equal(cut.status, 200);
      assert.equal(cut.provider, 'flaky', 'committed at the first token: no fallback after that');
      assert.match(cut.body, /"error"/);
      assert.ok(!cut.body.includes('[DONE]'), 'never a clean end');
      await settle();
    }
    assert.equal(await breakerOf(harness, 'flaky/flaky-model'), 'open');
    const clean = await ask(harness.url, true);
    assert.equal(clean.provider, 'steady');
    assert.match(clean.body, /\[DONE\]/);
  });
});
