import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { UsageReport } from '../../src/report/query-usage.js';
import { buildDashboardForTest } from './open-dashboard-browser.js';
import { type PrometheusSample, parsePrometheusText, sumSamples } from './parse-prometheus-text.js';
import { mixConfig, REQUEST_MIX, sendMixRequest } from './serve-request-mix.js';
import { type ObservedGateway, startObservedGateway } from './start-observed-gateway.js';

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: /metrics ${actual}, ledger ${expected}`);
}

describe('GET /metrics after a known mix of requests', () => {
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;
  let samples: PrometheusSample[];
  let text: string;
  let totals: UsageReport['totals'];
  const statuses: number[] = [];

  before(async () => {
    built = await buildDashboardForTest();
    harness = await startObservedGateway({ config: mixConfig(0.0016), staticDir: built.directory });
    for (const request of REQUEST_MIX) {
      statuses.push((await sendMixRequest({ url: harness.url, request })).status);
      await harness.cache.flush();
    }
    await harness.ledger.flush();
    totals = (await harness.ledger.queryUsage({ from: 0, to: Date.now() + 1, groupBy: [] })).totals;
    const response = await fetch(`${harness.url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = await response.text();
    samples = parsePrometheusText(text);
  });

  after(async () => {
    await harness?.close();
    await built?.remove();
  });

  it('counts every request by status, outcome and route rule', () => {
    assert.equal(sumSamples(samples, 'tollgate_requests_total'), REQUEST_MIX.length);
    for (const status of new Set(statuses)) {
      const expected = statuses.filter((value) => value === status).length;
      assert.equal(
        sumSamples(samples, 'tollgate_requests_total', { status: String(status) }),
        expected,
        `HTTP ${status}`,
      );
    }
    assert.equal(sumSamples(samples, 'tollgate_requests_total', { outcome: 'upstream_error' }), 1);
    assert.equal(sumSamples(samples, 'tollgate_requests_total', { outcome: 'client_error', status: '404' }), 1);
    assert.equal(sumSamples(samples, 'tollgate_requests_total', { route_rule: 'cache' }), 1);
    assert.equal(sumSamples(samples, 'tollgate_requests_total', { route_rule: 'complexity' }), 2);
  });

  it('sums tokens by type to what the ledger recorded', () => {
    const tokens = (type: string) => sumSamples(samples, 'gen_ai_client_token_usage_sum', { gen_ai_token_type: type });
    assert.equal(tokens('input_uncached'), totals.uncachedInputTokens);
    assert.equal(tokens('input_cache_read'), totals.cacheReadInputTokens);
    assert.equal(tokens('input_cache_write'), totals.cacheWriteInputTokens);
    assert.equal(tokens('output'), totals.outputTokens);
    assert.equal(tokens('reasoning'), totals.reasoningTokens);
    assert.ok(tokens('output') > 0);
    assert.match(text, /# TYPE gen_ai_client_token_usage histogram/);
  });

  it('adds up cost and baseline cost per tenant to the ledger', async () => {
    close(sumSamples(samples, 'tollgate_cost_usd_total'), totals.costUsd, 'cost');
    close(sumSamples(samples, 'tollgate_baseline_cost_usd_total'), totals.counterfactualCostUsd, 'baseline');
    const byTenant = await harness.ledger.queryUsage({ from: 0, to: Date.now() + 1, groupBy: ['tenant'] });
    for (const row of byTenant.rows) {
      const tenant = row.group.tenant as string;
      close(sumSamples(samples, 'tollgate_cost_usd_total', { tenant }), row.costUsd, `cost of ${tenant}`);
    }
  });

  it('reports cache outcomes, attempts, retries and fallbacks', () => {
    assert.equal(sumSamples(samples, 'tollgate_cache_requests_total', { status: 'hit-exact' }), 1);
    assert.equal(
      sumSamples(samples, 'tollgate_cache_requests_total', { status: 'bypass' }),
      2,
      'the two cache-off repeats',
    );
    // chain: flaky twice (a retry), then a fallback to oa-small; flaky-only: flaky twice (a retry).
    const flaky = { provider: 'flaky', model: 'flaky-model' };
    assert.equal(
      sumSamples(samples, 'tollgate_attempts_total', { ...flaky, outcome: 'error', error_type: 'upstream_error' }),
      4,
    );
    assert.equal(sumSamples(samples, 'tollgate_retries_total', flaky), 2);
    assert.equal(sumSamples(samples, 'tollgate_fallbacks_total', flaky), 1);
  });

  it('has duration, first-token and overhead histograms', () => {
    const answered = sumSamples(samples, 'tollgate_attempts_total') > 0;
    assert.ok(answered);
    const requestsWithAttempts = REQUEST_MIX.length - 2; // the cache hit and the unknown model made none
    assert.equal(sumSamples(samples, 'gen_ai_client_operation_duration_seconds_count'), requestsWithAttempts);
    assert.equal(
      sumSamples(samples, 'gen_ai_client_operation_duration_seconds_count', { error_type: 'upstream_error' }),
      1,
    );
    assert.equal(sumSamples(samples, 'gen_ai_server_time_to_first_token_seconds_count'), 1, 'the one stream');
    assert.equal(sumSamples(samples, 'tollgate_overhead_seconds_count'), REQUEST_MIX.length);
    assert.ok(sumSamples(samples, 'tollgate_overhead_seconds_bucket', { le: '+Inf' }) === REQUEST_MIX.length);
  });

  it('reads breakers, budgets and ledger health at scrape time', async () => {
    const snapshot = await harness.resilience.snapshot();
    for (const breaker of snapshot.breakers) {
      const value = sumSamples(samples, 'tollgate_circuit_breaker_state', { deployment: breaker.deployment });
      assert.equal(value, { closed: 0, 'half-open': 1, open: 2 }[breaker.phase], breaker.deployment);
    }
    assert.ok(snapshot.breakers.length >= 3);
    assert.deepEqual(
      snapshot.queues.map((queue) => queue.endpoint),
      ['sim-openai'],
      'the one endpoint with max_concurrency',
    );
    for (const queue of snapshot.queues) {
      const labels = { endpoint: queue.endpoint };
      assert.ok(
        samples.some((sample) => sample.name === 'tollgate_queue_depth' && sample.labels.endpoint === queue.endpoint),
      );
      assert.equal(sumSamples(samples, 'tollgate_queue_depth', labels), queue.depth);
      assert.equal(sumSamples(samples, 'tollgate_endpoint_in_flight', labels), queue.inFlight);
    }
    const [budget] = snapshot.budgets;
    assert.ok(budget);
    assert.equal(
      sumSamples(samples, 'tollgate_budget_utilisation_ratio', { budget: 'acme-daily' }),
      budget.utilisation,
    );
    assert.equal(sumSamples(samples, 'tollgate_budget_limit_usd', { budget: 'acme-daily' }), 0.0016);
    assert.equal(sumSamples(samples, 'tollgate_state_up'), 1);
    assert.equal(sumSamples(samples, 'tollgate_ledger_events_total', { event: 'lost' }), 0);
    assert.ok(samples.some((sample) => sample.name === 'nodejs_eventloop_lag_seconds'));
  });

  it('has every series the sample Grafana dashboard queries', async () => {
    const dashboard = await readFile(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8');
    const queried = new Set(dashboard.match(/\b(?:tollgate|gen_ai)_[a-z_]+/g) ?? []);
    assert.ok(queried.size >= 15, `the dashboard queries ${queried.size} series`);
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => match[1]));
    const labelNames = new Set(samples.flatMap((sample) => Object.keys(sample.labels)));
    for (const name of queried) {
      if (labelNames.has(name)) continue;
      const family = name.replace(/_(bucket|sum|count)$/, '');
      assert.ok(exported.has(name) || exported.has(family), `${name} is not exported`);
    }
  });
});

describe('metrics.max_tenants and max_features from the config', () => {
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;

  before(async () => {
    built = await buildDashboardForTest();
    harness = await startObservedGateway({
      config: { ...mixConfig(1), metrics: { max_tenants: 2, max_features: 3 } },
      staticDir: built.directory,
    });
  });

  after(async () => {
    await harness?.close();
    await built?.remove();
  });

  it('exports the first tenants and features by name and folds the rest into other, totals intact', async () => {
    const tenants = ['t-one', 't-two', 't-three', 't-four', 't-one'];
    for (const [index, tenant] of tenants.entries()) {
      const answer = await sendMixRequest({
        url: harness.url,
        request: { tenant, feature: `f-${index}`, model: 'fast', prompt: `Cardinality check number ${index}.` },
      });
      assert.equal(answer.status, 200);
    }
    await harness.ledger.flush();
    const samples = parsePrometheusText(await (await fetch(`${harness.url}/metrics`)).text());
    const cost = samples.filter((sample) => sample.name === 'tollgate_cost_usd_total');
    assert.deepEqual([...new Set(cost.map((sample) => sample.labels.tenant))].sort(), ['other', 't-one', 't-two']);
    assert.deepEqual([...new Set(cost.map((sample) => sample.labels.feature))].sort(), ['f-0', 'f-1', 'f-2', 'other']);
    const byTenant = await harness.ledger.queryUsage({ from: 0, to: Date.now() + 1, groupBy: ['tenant'] });
    const spent = (tenant: string) => byTenant.rows.find((row) => row.group.tenant === tenant)?.costUsd ?? 0;
    close(sumSamples(samples, 'tollgate_cost_usd_total', { tenant: 't-one' }), spent('t-one'), 'cost of t-one');
    close(
      sumSamples(samples, 'tollgate_cost_usd_total', { tenant: 'other' }),
      spent('t-three') + spent('t-four'),
      'the folded tenants',
    );
    close(sumSamples(samples, 'tollgate_cost_usd_total'), byTenant.totals.costUsd, 'total cost');
  });
});
