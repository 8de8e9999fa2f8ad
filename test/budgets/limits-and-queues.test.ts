import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../src/spec/index.js';
import {
  type ResilientGateway,
  startResilientGateway,
  TEST_REDIS_URL,
  temporaryFolder,
  uniquePrefix,
} from './start-resilient-gateway.js';

async function ask(url: string, headers: Record<string, string> = {}, model = 'chain') {
  const started = performance.now();
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'Say something short.' }] }),
  });
  const body = await response.text();
  return {
    status: response.status,
    provider: response.headers.get('x-tollgate-provider'),
    attempts: response.headers.get('x-tollgate-attempts'),
    body,
    ms: performance.now() - started,
  };
}

function twoEndpoints(options: {
  sqlitePath: string;
  localLimits: Record<string, number>;
  storage?: Record<string, unknown>;
}) {
  return {
    storage: { ledger: 'off', sqlite_path: options.sqlitePath, ...options.storage },
    providers: [
      {
        name: 'workstation',
        kind: 'simulated',
        location: 'local',
        limits: options.localLimits,
        simulation: { ttft_ms: 150, tokens_per_second: 100_000 },
        models: [{ name: 'local-model', price_as: 'gpt-5.4-nano' }],
      },
      {
        name: 'cloud',
        kind: 'simulated',
        simulation: { ttft_ms: 5, tokens_per_second: 100_000 },
        models: [{ name: 'cloud-model', pricing: { input_per_mtok: 1, output_per_mtok: 4 } }],
      },
    ],
    tiers: { chain: { deployments: ['workstation/local-model', 'cloud/cloud-model'] } },
    budgets: [
      { scope: 'tenant', match: 'batchy', limit_usd: 0.0001, window: 'day', throttle_at: 0.3, fallback_at: 0.2 },
    ],
  };
}

describe('a local endpoint with max_concurrency: 1', () => {
  const folder = temporaryFolder();
  let harness: ResilientGateway;
  before(async () => {
    harness = await startResilientGateway({
      config: twoEndpoints({
        sqlitePath: folder.path('keys.db'),
        localLimits: { max_concurrency: 1, queue_size: 5, queue_timeout_ms: 5_000 },
      }),
      simulation: {},
    });
  });
  after(async () => {
    await harness.close();
    folder.cleanup();
  });

  it('queues requests one at a time, and sends a request whose queue wait exceeds its latency budget to the next endpoint', async () => {
    const started = performance.now();
    const queued = await Promise.all([ask(harness.url), ask(harness.url), ask(harness.url)]);
    assert.deepEqual(
      queued.map((answer) => answer.provider),
      ['workstation', 'workstation', 'workstation'],
    );
    assert.ok(performance.now() - started >= 3 * 140, 'served one after another');

    let busyDoneAt = Number.POSITIVE_INFINITY;
    const busy = ask(harness.url).then((answer) => {
      busyDoneAt = performance.now();
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const hurried = await ask(harness.url, { 'x-tollgate-latency-budget-ms': '100' });
    const hurriedDoneAt = performance.now();
    assert.equal(hurried.provider, 'cloud');
    assert.equal(hurried.attempts, '1', 'the skipped endpoint was never called');
    assert.ok(hurriedDoneAt < busyDoneAt, 'answered without waiting for the busy endpoint');
    assert.equal((await busy).provider, 'workstation');
    const { queues } = await harness.layers.snapshot();
    assert.deepEqual(
      queues.map((queue) => [queue.endpoint, queue.depth, queue.inFlight]),
      [['workstation', 0, 0]],
    );
    assert.ok(harness.layers.guard.counters.queueSkips >= 1);
  });

  it('refuses batch traffic past a throttle threshold with a 429 in the caller protocol', async () => {
    const tenant = { 'x-tollgate-tenant': 'batchy' };
    assert.equal((await ask(harness.url, tenant, 'cloud/cloud-model')).status, 200);
    const response = await fetch(`${harness.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tollgate-priority': 'batch', ...tenant },
      body: JSON.stringify({ model: 'cloud/cloud-model', max_tokens: 1, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 429);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, 'error');
    assert.match(body.error.message, /Budget "tenant:batchy\/day" is at \d+% .* only interactive requests/);
  });
});

describe('limits and breakers shared by three gateways on Redis', () => {
  const folder = temporaryFolder();
  let gateways: ResilientGateway[] = [];
  before(async () => {
    const prefix = uniquePrefix();
    gateways = await Promise.all(
      [0, 1, 2].map(() =>
        startResilientGateway({
          config: {
            ...twoEndpoints({
              sqlitePath: folder.path('keys.db'),
              localLimits: { rpm: 4, queue_timeout_ms: 50 },
              storage: { shared_state: TEST_REDIS_URL, shared_state_prefix: prefix },
            }),
            resilience: { breaker: { min_requests: 3, cooldown_ms: 60_000 } },
          },
        }),
      ),
    );
  });
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()));
    folder.cleanup();
  });

  it('share one RPM bucket: four requests a minute reach the endpoint whichever instance takes them', async () => {
    const answers = [];
    for (let index = 0; index < 9; index++) answers.push(await ask((gateways[index % 3] as ResilientGateway).url));
    assert.deepEqual(
      answers.map((answer) => answer.provider),
      ['workstation', 'workstation', 'workstation', 'workstation', 'cloud', 'cloud', 'cloud', 'cloud', 'cloud'],
    );
    assert.ok(answers.every((answer) => answer.status === 200 && answer.attempts === '1'));
  });

  it('share breaker state: failures seen by one instance keep the others off the endpoint', async () => {
    const [first, second, third] = gateways as [ResilientGateway, ResilientGateway, ResilientGateway];
    const cloud = first.gateway.core.runtime.deployments.get('cloud/cloud-model');
    assert.ok(cloud);
    const failure = new GatewayError({ code: 'upstream_error', message: 'simulated outage' });
    for (let index = 0; index < 10; index++) {
      first.layers.guard.report({ deployment: cloud, error: failure, latencyMs: 1, ttftMs: undefined });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const gateway of [second, third]) {
      const answer = await ask(gateway.url, {}, 'cloud/cloud-model');
      assert.equal(answer.status, 503);
      assert.match(answer.body, /Circuit open for cloud\/cloud-model/);
    }
  });
});
