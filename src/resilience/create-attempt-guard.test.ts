import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BreakerConfig } from '../config/config-schema.js';
import { validateConfig } from '../config/load-config.js';
import { createRuntime } from '../gateway/create-runtime.js';
import type { Deployment } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import { createLogger } from '../logging/create-logger.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { createMemorySharedState } from '../shared-state/memory-shared-state.js';
import { GatewayError } from '../spec/index.js';
import { createAttemptGuard } from './create-attempt-guard.js';
import { createLatencyEstimator, DEMOTION_MS } from './create-latency-estimator.js';

const BREAKER: BreakerConfig = {
  failure_ratio: 0.5,
  window_ms: 10_000,
  min_requests: 4,
  cooldown_ms: 100,
  half_open_probes: 1,
};

function deployment(limits: Record<string, number>): Deployment {
  const { config } = validateConfig({
    document: {
      providers: [{ name: 'local', kind: 'simulated', limits, models: [{ name: 'm', price_as: 'gpt-5.4-nano' }] }],
    },
    source: 'test',
    environment: {},
  });
  const runtime = createRuntime({
    config,
    simulated: false,
    transport: async () => {
      throw new Error('no network in this test');
    },
    environment: {},
  });
  return runtime.deployments.get('local/m') as Deployment;
}

function context(latencyBudgetMs?: number): RequestContext {
  return {
    requestId: 'r',
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    protocol: openAiProtocol,
    directives: {
      tenant: 'default',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

function guardWith() {
  return createAttemptGuard({
    sharedState: createMemorySharedState(),
    breaker: () => BREAKER,
    alpha: () => 0.5,
    logger: createLogger({ level: 'silent' }),
  });
}

const serverError = new GatewayError({ code: 'upstream_error', message: 'boom' });

function rejectsWith(code: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof GatewayError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  };
}

describe('the attempt guard', () => {
  it('opens the breaker on failures (not on 4xx), probes after the cooldown and closes on success', async () => {
    const guard = guardWith();
    const target = deployment({});
    const attempt = async (error: GatewayError | undefined) => {
      const release = await guard.acquire({ deployment: target, context: context(), estimatedInputTokens: 10 });
      release();
      guard.report({ deployment: target, error, latencyMs: 5, ttftMs: undefined });
      await sleep(1);
    };
    for (let index = 0; index < 6; index++) {
      await attempt(new GatewayError({ code: 'upstream_invalid_request', message: 'bad request' }));
    }
    await attempt(undefined);
    await attempt(serverError);
    await attempt(undefined);
    await attempt(serverError);
    await assert.rejects(
      guard.acquire({ deployment: target, context: context(), estimatedInputTokens: 10 }),
      rejectsWith('upstream_overloaded', /Circuit open for local\/m/),
    );
    assert.equal(guard.counters.breakerOpenings, 1);
    await sleep(120);
    await attempt(undefined);
    const release = await guard.acquire({ deployment: target, context: context(), estimatedInputTokens: 10 });
    release();
    assert.equal(guard.latency('local/m').samples, 3);
  });

  it('skips at once when rate-limit capacity will not come in time, and waits when it will', async () => {
    const guard = guardWith();
    const strict = deployment({ rpm: 2, queue_timeout_ms: 100 });
    for (let index = 0; index < 2; index++) {
      (await guard.acquire({ deployment: strict, context: context(), estimatedInputTokens: 1 }))();
    }
    await assert.rejects(
      guard.acquire({ deployment: strict, context: context(), estimatedInputTokens: 1 }),
      (error: unknown) =>
        rejectsWith('rate_limited', /Rate limit of local reached \(rpm 2\)/)(error) &&
        (error as GatewayError).retryAfterMs !== undefined &&
        ((error as GatewayError).retryAfterMs ?? 0) > 20_000,
    );

    const tokens = deployment({ tpm: 600, queue_timeout_ms: 2_000 });
    (await guard.acquire({ deployment: tokens, context: context(), estimatedInputTokens: 595 }))();
    const started = performance.now();
    (await guard.acquire({ deployment: tokens, context: context(), estimatedInputTokens: 8 }))();
    const waited = performance.now() - started;
    assert.ok(waited >= 250 && waited < 1_000, `waited ${waited} ms for 3 tokens at 10/s`);
    assert.equal(guard.counters.rateLimitWaits, 1);
    await assert.rejects(
      guard.acquire({ deployment: tokens, context: context(50), estimatedInputTokens: 100 }),
      rejectsWith('rate_limited', /more than this request can wait/),
    );
  });

  it('queues beyond max_concurrency, bounded in size and time, in order', async () => {
    const guard = guardWith();
    const local = deployment({ max_concurrency: 1, queue_size: 2, queue_timeout_ms: 150 });
    const acquire = () => guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    const first = await acquire();
    const order: string[] = [];
    const second = acquire().then((release) => {
      order.push('second');
      return release;
    });
    const third = acquire().then((release) => {
      order.push('third');
      return release;
    });
    await assert.rejects(acquire(), rejectsWith('upstream_overloaded', /queue for local is full/));
    assert.equal(guard.expectedQueueWaitMs(local), undefined, 'no hold time observed yet');
    await sleep(30);
    first();
    (await second)();
    (await third)();
    assert.deepEqual(order, ['second', 'third']);
    const holder = await acquire();
    const started = performance.now();
    await assert.rejects(acquire(), rejectsWith('upstream_overloaded', /no slot at local within 150 ms/));
    assert.ok(performance.now() - started >= 140);
    holder();
    assert.equal(guard.counters.queueSkips, 2);
  });

  it('sends a request whose expected queue wait exceeds its latency budget elsewhere at once', async () => {
    const guard = guardWith();
    const local = deployment({ max_concurrency: 1, queue_timeout_ms: 5_000 });
    const release = await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    await sleep(100);
    release();
    const busy = await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    assert.ok((guard.expectedQueueWaitMs(local) ?? 0) >= 90);
    const started = performance.now();
    await assert.rejects(
      guard.acquire({ deployment: local, context: context(40), estimatedInputTokens: 1 }),
      rejectsWith(
        'upstream_overloaded',
        /expected queue wait at local \(~\d+ ms\) exceeds the request's latency budget/,
      ),
    );
    assert.ok(performance.now() - started < 20, 'refused without waiting');
    busy();
  });

  it('gives up a queued place when the client goes away', async () => {
    const guard = guardWith();
    const local = deployment({ max_concurrency: 1, queue_timeout_ms: 5_000 });
    const holder = await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    const leaving = context();
    const queued = guard.acquire({ deployment: local, context: leaving, estimatedInputTokens: 1 });
    leaving.abort.abort();
    await assert.rejects(queued, rejectsWith('cancelled', /went away/));
    holder();
    (await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 }))();
  });
});

describe('the latency estimator', () => {
  it('adds the queue wait to the first-token average and demotes an endpoint below its speed floor for a while', async () => {
    const guard = guardWith();
    let clock = 1_000_000;
    const estimator = createLatencyEstimator(guard, () => clock);
    const local = deployment({ max_concurrency: 1, min_output_tokens_per_second: 20 });
    assert.equal(estimator.expectedFirstTokenMs('local/m'), undefined, 'nothing observed yet');
    const release = await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    guard.report({ deployment: local, error: undefined, latencyMs: 40, ttftMs: 30 });
    assert.equal(estimator.expectedFirstTokenMs('local/m'), 30);
    await sleep(50);
    release();
    const busy = await guard.acquire({ deployment: local, context: context(), estimatedInputTokens: 1 });
    const expected = estimator.expectedFirstTokenMs('local/m') ?? 0;
    assert.ok(expected >= 30 + 45, `the slot is taken: ${expected} ms includes the expected wait`);
    busy();

    assert.equal(estimator.isDemoted('local/m'), false);
    clock = Date.now();
    guard.tracker.observeSpeed({ deploymentId: 'local/m', tokensPerSecond: 5 });
    assert.equal(estimator.isDemoted('local/m'), true);
    clock += DEMOTION_MS + 1;
    assert.equal(estimator.isDemoted('local/m'), false, 'given another chance after a while');
  });
});
