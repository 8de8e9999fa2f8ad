import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MetricObject, MetricValue } from 'prom-client';
import { createGateway, type Gateway } from '../gateway/create-gateway.js';
import type { Deployment } from '../gateway/deployment.js';
import { createLogger } from '../logging/create-logger.js';
import { GatewayError } from '../spec/index.js';
import type { SettledAttempt, SettledRequest } from '../stages/settle/settled-request.js';
import { createMetrics, type Metrics } from './create-metrics.js';

type Labels = Record<string, string | number>;

async function valuesOf(metrics: Metrics, name: string): Promise<MetricValue<string>[]> {
  const metric = metrics.registry.getSingleMetric(name);
  assert.ok(metric, `metric ${name} exists`);
  const read = (await metric.get()) as MetricObject & { values: MetricValue<string>[] };
  return read.values;
}

/** The value of the one series of `name` whose labels include `labels`, or 0 when none matches. */
async function sample(metrics: Metrics, name: string, labels: Labels = {}, metricName = name): Promise<number> {
  const values = (await valuesOf(metrics, name)) as (MetricValue<string> & { metricName?: string })[];
  const matching = values.filter(
    (value) =>
      (value.metricName ?? name) === metricName &&
      Object.entries(labels).every(([key, expected]) => String(value.labels[key]) === String(expected)),
  );
  return matching.reduce((total, value) => total + value.value, 0);
}

function attempt(deployment: Deployment, error?: GatewayError): SettledAttempt {
  return {
    deployment,
    startedAtEpochMs: Date.now(),
    latencyMs: 120,
    ttftMs: 40,
    error,
    usage: undefined,
    costUsd: 0,
  };
}

function settled(overrides: Partial<SettledRequest> = {}): SettledRequest {
  return {
    requestId: 'req-1',
    startedAtEpochMs: Date.now(),
    tenant: 'acme',
    feature: 'search',
    keyId: undefined,
    protocol: 'openai',
    requestedModel: 'auto',
    route: { rule: 'complexity', reason: 'score 0.21 < 0.35', tier: 'fast' },
    provider: 'simulated',
    model: 'sim-small',
    usage: {
      uncachedInputTokens: 100,
      cacheReadInputTokens: 1_024,
      cacheWriteInputTokens: 0,
      cacheWrite1hInputTokens: 0,
      outputTokens: 50,
      reasoningTokens: 10,
      source: 'reported',
    },
    costUsd: 0.002,
    counterfactualCostUsd: 0.01,
    priced: true,
    cacheStatus: 'miss',
    latencyMs: 250,
    ttftMs: 60,
    overheadMs: 1.5,
    attempts: [],
    stream: true,
    batch: false,
    outcome: 'success',
    errorCode: undefined,
    httpStatus: 200,
    warnings: [],
    ...overrides,
  };
}

describe('createMetrics', () => {
  let gateway: Gateway;
  let small: Deployment;
  let medium: Deployment;
  before(async () => {
    gateway = await createGateway({ environment: {}, logger: createLogger({ level: 'silent' }), batch: false });
    small = gateway.core.runtime.deployments.get('simulated/sim-small') as Deployment;
    medium = gateway.core.runtime.deployments.get('simulated/sim-medium') as Deployment;
    assert.ok(small && medium, 'the embedded default has simulated/sim-small and sim-medium');
  });
  after(() => gateway.close());

  it('records requests, tokens by type, cost, duration, first token and overhead', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observer.onSettled(settled({ attempts: [attempt(small)] }));
    metrics.observer.onSettled(settled({ attempts: [attempt(small)], costUsd: 0.003, tenant: 'globex' }));
    const request = { route_rule: 'complexity', provider: 'simulated', model: 'sim-small', status: '200' };
    assert.equal(await sample(metrics, 'tollgate_requests_total', { ...request, outcome: 'success' }), 2);
    const tokens = { gen_ai_provider_name: 'simulated', gen_ai_response_model: 'sim-small' };
    const tokenSum = (type: string) =>
      sample(
        metrics,
        'gen_ai_client_token_usage',
        { ...tokens, gen_ai_token_type: type },
        'gen_ai_client_token_usage_sum',
      );
    assert.equal(await tokenSum('input_uncached'), 200);
    assert.equal(await tokenSum('input_cache_read'), 2_048);
    assert.equal(await tokenSum('input_cache_write'), 0);
    assert.equal(await tokenSum('output'), 100);
    assert.equal(await tokenSum('reasoning'), 20);
    assert.equal(await sample(metrics, 'tollgate_cost_usd_total', { tenant: 'acme', feature: 'search' }), 0.002);
    assert.equal(await sample(metrics, 'tollgate_cost_usd_total', { tenant: 'globex', model: 'sim-small' }), 0.003);
    assert.equal(await sample(metrics, 'tollgate_baseline_cost_usd_total', { tenant: 'acme' }), 0.01);
    const duration = await sample(
      metrics,
      'gen_ai_client_operation_duration_seconds',
      { ...tokens, gen_ai_operation_name: 'chat', error_type: '' },
      'gen_ai_client_operation_duration_seconds_sum',
    );
    assert.equal(duration, 0.5);
    const ttft = await sample(
      metrics,
      'gen_ai_server_time_to_first_token_seconds',
      tokens,
      'gen_ai_server_time_to_first_token_seconds_count',
    );
    assert.equal(ttft, 2);
    assert.equal(await sample(metrics, 'tollgate_overhead_seconds', {}, 'tollgate_overhead_seconds_sum'), 0.003);
    assert.equal(await sample(metrics, 'tollgate_cache_requests_total', { status: 'miss' }), 2);
    // The text format is rendered by another path than the JSON one: check it shows the same series.
    const text = await metrics.scrape();
    assert.match(text, /gen_ai_client_token_usage_sum\{[^}]*gen_ai_token_type="input_cache_read"\} 2048\n/);
    assert.match(text, /gen_ai_client_token_usage_bucket\{[^}]*gen_ai_token_type="output",le="64"\} 2\n/);
    assert.match(text, /tollgate_overhead_seconds_count 2\n/);
    assert.match(
      text,
      /tollgate_requests_total\{route_rule="complexity",provider="simulated",model="sim-small",status="200",outcome="success"\} 2\n/,
    );
  });

  it('counts a cache hit under the cache rule without tokens or provider time', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.observer.onSettled(settled({ cacheStatus: 'hit-exact', route: undefined, costUsd: 0, attempts: [] }));
    assert.equal(await sample(metrics, 'tollgate_requests_total', { route_rule: 'cache', status: '200' }), 1);
    assert.equal(await sample(metrics, 'tollgate_cache_requests_total', { status: 'hit-exact' }), 1);
    assert.equal(await sample(metrics, 'gen_ai_client_token_usage', {}, 'gen_ai_client_token_usage_count'), 0);
    assert.equal(await sample(metrics, 'tollgate_baseline_cost_usd_total', { tenant: 'acme' }), 0.01);
  });

  it('counts attempts, retries of the same deployment and fallbacks to the next', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const overloaded = new GatewayError({ code: 'upstream_overloaded', message: 'busy' });
    metrics.observer.onSettled(
      settled({
        model: 'sim-medium',
        attempts: [attempt(small, overloaded), attempt(small, overloaded), attempt(medium)],
      }),
    );
    const smallLabels = { provider: 'simulated', model: 'sim-small' };
    assert.equal(
      await sample(metrics, 'tollgate_attempts_total', {
        ...smallLabels,
        outcome: 'error',
        error_type: 'upstream_overloaded',
      }),
      2,
    );
    assert.equal(await sample(metrics, 'tollgate_attempts_total', { model: 'sim-medium', outcome: 'success' }), 1);
    assert.equal(await sample(metrics, 'tollgate_retries_total', smallLabels), 1);
    assert.equal(await sample(metrics, 'tollgate_fallbacks_total', smallLabels), 1);
    assert.equal(await sample(metrics, 'tollgate_fallbacks_total', { model: 'sim-medium' }), 0);
  });

  it('folds tenants and features beyond the bound into other, and scrubs key-shaped values', async () => {
    const metrics = createMetrics({ processMetrics: false, maxTenants: 2, maxFeatures: 1 });
    for (const tenant of ['t1', 't2', 't3', 't4', 't1'])
      metrics.observer.onSettled(settled({ tenant, feature: tenant }));
    const tenants = new Set((await valuesOf(metrics, 'tollgate_cost_usd_total')).map((value) => value.labels.tenant));
    assert.deepEqual([...tenants].sort(), ['other', 't1', 't2']);
    assert.equal(await sample(metrics, 'tollgate_cost_usd_total', { tenant: 't1' }), 0.004);
    assert.equal(await sample(metrics, 'tollgate_cost_usd_total', { tenant: 'other' }), 0.004);
    assert.equal(await sample(metrics, 'tollgate_cost_usd_total', { feature: 'other' }), 0.006);

    const leaky = createMetrics({ processMetrics: false });
    leaky.observer.onSettled(settled({ tenant: 'sk-proj-PLANTEDabcdefgh1234' }));
    const text = await leaky.scrape();
    assert.doesNotMatch(text, /PLANTED/);
    assert.match(text, /tenant="\[REDACTED\]"/);
  });

  it('exports breakers, queues, guard events and the most used budgets at scrape time', async () => {
    let fail = false;
    const metrics = createMetrics({
      processMetrics: false,
      maxTenants: 2,
      snapshotTimeoutMs: 50,
      snapshot: async () => {
        if (fail) return new Promise(() => {});
        return {
          breakers: [
            { deployment: 'simulated/sim-small', phase: 'closed' },
            { deployment: 'simulated/sim-large', phase: 'open' },
          ],
          queues: [{ endpoint: 'simulated', depth: 3, inFlight: 8 }],
          counters: { breakerOpenings: 2, queueSkips: 5, rateLimitWaits: 0 },
          budgets: ['low', 'high', 'middle'].map((name, index) => ({
            name,
            scope: 'tenant' as const,
            subject: name,
            limitUsd: 10,
            spentUsd: [1, 9, 5][index] ?? 0,
            heldUsd: 0,
            utilisation: [0.1, 0.9, 0.5][index] ?? 0,
            level: 'ok' as const,
            resetsAt: new Date().toISOString(),
          })),
        };
      },
      ledgerStats: () => ({ pendingJournalBytes: 512, heldEntries: 0, storeFailures: 1, setAside: 0, lost: 0 }),
    });
    const text = await metrics.scrape();
    assert.match(text, /tollgate_circuit_breaker_state\{deployment="simulated\/sim-large"\} 2/);
    assert.match(text, /tollgate_circuit_breaker_state\{deployment="simulated\/sim-small"\} 0/);
    assert.match(text, /tollgate_queue_depth\{endpoint="simulated"\} 3/);
    assert.match(text, /tollgate_endpoint_in_flight\{endpoint="simulated"\} 8/);
    assert.match(text, /tollgate_guard_events_total\{event="breaker_opening"\} 2/);
    assert.match(text, /tollgate_guard_events_total\{event="queue_skip"\} 5/);
    assert.match(text, /tollgate_budget_utilisation_ratio\{budget="high",scope="tenant"\} 0.9/);
    assert.match(text, /tollgate_budget_utilisation_ratio\{budget="middle",scope="tenant"\} 0.5/);
    assert.doesNotMatch(text, /budget="low"/, 'only the two most used budgets (maxTenants) are exported');
    assert.match(text, /tollgate_state_up 1/);
    assert.match(text, /tollgate_ledger_pending_journal_bytes 512/);
    assert.match(text, /tollgate_ledger_events_total\{event="store_failure"\} 1/);

    fail = true;
    const stale = await metrics.scrape();
    assert.match(stale, /tollgate_state_up 0/, 'a hung shared state is reported, not waited for');
    assert.match(stale, /tollgate_queue_depth\{endpoint="simulated"\} 3/, 'the last values stay');
  });

  it('serves the text format on GET /metrics with process metrics by default', async () => {
    const metrics = createMetrics();
    metrics.observer.onSettled(settled());
    const { createServer } = await import('node:http');
    const server = createServer((request, response) => void metrics.handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address() as { port: number };
      const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);
      assert.equal(response.status, 200);
      assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      assert.match(text, /# TYPE tollgate_requests_total counter/);
      assert.match(text, /# TYPE gen_ai_client_token_usage histogram/);
      assert.match(text, /process_cpu_user_seconds_total/);
      assert.match(text, /nodejs_eventloop_lag_seconds/);
    } finally {
      server.close();
    }
  });
});
