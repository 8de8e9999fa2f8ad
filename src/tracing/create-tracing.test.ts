import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type OtlpReceiver, startOtlpReceiver } from '../../test/observability/start-otlp-receiver.js';
import { configSchema, type TracingConfig } from '../config/config-schema.js';
import { validateConfig } from '../config/load-config.js';
import { createRuntime } from '../gateway/create-runtime.js';
import type { Deployment } from '../gateway/deployment.js';
import type { HttpTransport } from '../http/http-transport.js';
import { createLogger } from '../logging/create-logger.js';
import { GatewayError } from '../spec/index.js';
import type { SettledRequest } from '../stages/settle/settled-request.js';
import { createTracing } from './create-tracing.js';

const silent = createLogger({ level: 'silent' });
const PLANTED_KEY = 'sk-proj-PLANTEDtracing0123456789abcdef';

function tracingConfig(overrides: Partial<TracingConfig>): TracingConfig {
  return configSchema.parse({ tracing: { enabled: true, ...overrides } }).tracing;
}

/** Two deployments of the config below: an OpenAI one that fails, an Anthropic one that answers. */
function deployments(): { openai: Deployment; anthropic: Deployment } {
  const { config } = validateConfig({
    document: {
      providers: [
        { name: 'oa', kind: 'openai', api_key_env: 'OA_KEY', models: [{ name: 'gpt-5.4-mini' }] },
        { name: 'an', kind: 'anthropic', api_key_env: 'AN_KEY', models: [{ name: 'claude-sonnet-4-5' }] },
      ],
    },
    source: 'the tracing test',
    environment: { OA_KEY: 'x', AN_KEY: 'y' },
  });
  const refuse: HttpTransport = async () => {
    throw new Error('no upstream calls in this test');
  };
  const runtime = createRuntime({
    config,
    simulated: false,
    transport: refuse,
    environment: { OA_KEY: 'x', AN_KEY: 'y' },
  });
  return {
    openai: runtime.deployments.get('oa/gpt-5.4-mini') as Deployment,
    anthropic: runtime.deployments.get('an/claude-sonnet-4-5') as Deployment,
  };
}

function settled(parts: { openai: Deployment; anthropic: Deployment }, startedAtEpochMs: number): SettledRequest {
  const usage = {
    uncachedInputTokens: 120,
    cacheReadInputTokens: 2_048,
    cacheWriteInputTokens: 64,
    cacheWrite1hInputTokens: 0,
    outputTokens: 90,
    reasoningTokens: 30,
    source: 'reported' as const,
  };
  return {
    requestId: 'req-trace-1',
    startedAtEpochMs,
    tenant: `acme ${PLANTED_KEY}`,
    feature: 'search',
    keyId: 'vk_abc123',
    protocol: 'openai',
    requestedModel: 'auto',
    route: { rule: 'complexity', reason: 'score 0.62 ≥ 0.35', tier: 'premium' },
    provider: 'an',
    model: 'claude-sonnet-4-5',
    usage,
    costUsd: 0.0123,
    counterfactualCostUsd: 0.0456,
    priced: true,
    cacheStatus: 'miss',
    latencyMs: 800,
    ttftMs: 210,
    overheadMs: 1.25,
    attempts: [
      {
        deployment: parts.openai,
        startedAtEpochMs: startedAtEpochMs + 2,
        latencyMs: 300,
        ttftMs: undefined,
        error: new GatewayError({
          code: 'upstream_error',
          message: `upstream said: bad key ${PLANTED_KEY}`,
        }),
        usage: undefined,
        costUsd: 0,
      },
      {
        deployment: parts.anthropic,
        startedAtEpochMs: startedAtEpochMs + 310,
        latencyMs: 480,
        ttftMs: 200,
        error: undefined,
        usage,
        costUsd: 0.0123,
      },
    ],
    stream: true,
    batch: false,
    outcome: 'success',
    errorCode: undefined,
    httpStatus: 200,
    warnings: [],
  };
}

describe('createTracing (OTLP/HTTP to a local collector)', () => {
  let receiver: OtlpReceiver;
  let parts: ReturnType<typeof deployments>;
  before(async () => {
    receiver = await startOtlpReceiver();
    parts = deployments();
  });
  after(() => receiver.close());

  it('is off by default and then costs nothing', async () => {
    const config = configSchema.parse({}).tracing;
    assert.equal(config.enabled, false);
    assert.equal(await createTracing({ config, logger: silent }), undefined);
  });

  it('exports a request span and one client span per attempt with GenAI attributes, cost, tenant and route', async () => {
    const tracing = await createTracing({
      config: tracingConfig({ endpoint: receiver.url, service_name: 'tollgate-test', export_interval_ms: 60_000 }),
      logger: silent,
    });
    assert.ok(tracing);
    const startedAt = Date.now() - 1_000;
    tracing.observer.onSettled(settled(parts, startedAt));
    await tracing.flush();
    await receiver.waitForSpans(3);
    assert.equal(receiver.requests[0]?.contentType, 'application/json');

    const root = receiver.spans.find((span) => span.parentSpanId === undefined);
    assert.ok(root, 'a request span without a parent');
    assert.equal(root.name, 'chat auto');
    assert.equal(root.kind, 2, 'SERVER');
    assert.equal(root.resource['service.name'], 'tollgate-test');
    assert.equal(root.startMs, startedAt);
    assert.equal(root.endMs, startedAt + 800);
    const attributes = root.attributes;
    assert.equal(attributes['gen_ai.operation.name'], 'chat');
    assert.equal(attributes['gen_ai.system'], 'anthropic');
    assert.equal(attributes['gen_ai.provider.name'], 'anthropic');
    assert.equal(attributes['gen_ai.request.model'], 'auto');
    assert.equal(attributes['gen_ai.response.model'], 'claude-sonnet-4-5');
    assert.equal(attributes['gen_ai.usage.input_tokens'], 120 + 2_048 + 64, 'input counts cached tokens too');
    assert.equal(attributes['gen_ai.usage.output_tokens'], 90);
    assert.equal(attributes['gen_ai.usage.cache_read.input_tokens'], 2_048);
    assert.equal(attributes['gen_ai.usage.cache_creation.input_tokens'], 64);
    assert.equal(attributes['tollgate.usage.reasoning_tokens'], 30);
    assert.equal(attributes['tollgate.cost_usd'], 0.0123);
    assert.equal(attributes['tollgate.baseline_cost_usd'], 0.0456);
    assert.equal(attributes['tollgate.tenant'], 'acme [REDACTED]', 'a key-shaped header value is scrubbed');
    assert.equal(attributes['tollgate.feature'], 'search');
    assert.equal(attributes['tollgate.key_id'], 'vk_abc123');
    assert.equal(attributes['tollgate.route.rule'], 'complexity');
    assert.equal(attributes['tollgate.route.reason'], 'score 0.62 ≥ 0.35');
    assert.equal(attributes['tollgate.route.tier'], 'premium');
    assert.equal(attributes['tollgate.cache.status'], 'miss');
    assert.equal(attributes['tollgate.request_id'], 'req-trace-1');
    assert.equal(attributes['tollgate.attempts'], 2);
    assert.equal(attributes['http.response.status_code'], 200);
    assert.equal(root.status.code, 0, 'a success leaves the status unset');

    const children = receiver.spans.filter((span) => span.parentSpanId === root.spanId);
    assert.equal(children.length, 2);
    assert.ok(
      children.every((span) => span.traceId === root.traceId && span.kind === 3),
      'CLIENT spans in one trace',
    );
    const [failed, answered] = children.sort((left, right) => left.startMs - right.startMs);
    assert.equal(failed?.name, 'chat gpt-5.4-mini');
    assert.equal(failed?.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(failed?.attributes['error.type'], 'upstream_error');
    assert.equal(failed?.attributes['gen_ai.response.model'], undefined, 'no response from a failed attempt');
    assert.equal(failed?.status.code, 2, 'ERROR');
    assert.match(failed?.status.message ?? '', /bad key \[REDACTED\]/);
    assert.equal(answered?.attributes['gen_ai.request.model'], 'claude-sonnet-4-5');
    assert.equal(answered?.attributes['gen_ai.usage.output_tokens'], 90);
    assert.equal(answered?.attributes['tollgate.cost_usd'], 0.0123);
    assert.equal(answered?.attributes['tollgate.attempt'], 2);
    assert.equal(answered?.startMs, startedAt + 310);
    assert.equal(answered?.endMs, startedAt + 790);
    for (const request of receiver.requests) assert.ok(!request.body.includes(PLANTED_KEY), 'no key in any export');
    await tracing.close();
  });

  it('samples per request and marks 5xx requests as errors', async () => {
    const before = receiver.spans.length;
    const draws = [0.1, 0.9, 0.3];
    const tracing = await createTracing({
      config: tracingConfig({ endpoint: receiver.url, sample_ratio: 0.5 }),
      logger: silent,
      random: () => draws.shift() ?? 1,
    });
    assert.ok(tracing);
    const failure = {
      ...settled(parts, Date.now()),
      attempts: [],
      httpStatus: 502,
      outcome: 'upstream_error' as const,
      errorCode: 'upstream_error',
    };
    for (const requestId of ['kept-1', 'sampled-out', 'kept-2']) tracing.observer.onSettled({ ...failure, requestId });
    await tracing.close();
    await receiver.waitForSpans(before + 2);
    const got = receiver.spans.slice(before);
    assert.deepEqual(got.map((span) => span.attributes['tollgate.request_id']).sort(), ['kept-1', 'kept-2']);
    assert.ok(got.every((span) => span.status.code === 2 && span.attributes['error.type'] === 'upstream_error'));
  });

  it('builds a burst in slices, and drops (and counts) what does not fit the queue', async () => {
    const before = receiver.spans.length;
    const tracing = await createTracing({
      config: tracingConfig({ endpoint: receiver.url, max_queue_size: 100, export_interval_ms: 20 }),
      logger: silent,
    });
    assert.ok(tracing);
    const request = { ...settled(parts, Date.now()), attempts: [] };
    for (let index = 0; index < 250; index++) tracing.observer.onSettled({ ...request, requestId: `burst-${index}` });
    assert.equal(tracing.droppedRequests, 150, 'the queue holds max_queue_size requests');
    await receiver.waitForSpans(before + 100);
    const ids = receiver.spans.slice(before).map((span) => span.attributes['tollgate.request_id']);
    assert.deepEqual(
      ids,
      Array.from({ length: 100 }, (_, index) => `burst-${index}`),
      'the first 100, in order, without flush() (built on later turns of the event loop)',
    );
    await tracing.close();
  });

  it('logs a collector that refuses spans, once, and never throws into the request path', async () => {
    const refusing = await startOtlpReceiver({ status: 503 });
    const lines: string[] = [];
    const logger = createLogger({
      level: 'warn',
      destination: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    });
    try {
      const tracing = await createTracing({
        config: tracingConfig({ endpoint: refusing.url, export_timeout_ms: 2_000 }),
        logger,
      });
      assert.ok(tracing);
      tracing.observer.onSettled(settled(parts, Date.now()));
      await tracing.flush();
      tracing.observer.onSettled(settled(parts, Date.now()));
      await tracing.close();
      assert.ok(refusing.requests.length >= 1, 'the exporter tried');
      const warnings = lines.filter((line) => line.includes('did not take the spans'));
      assert.equal(warnings.length, 1, 'one warning per minute, not one per batch');
    } finally {
      await refusing.close();
    }
  });
});
