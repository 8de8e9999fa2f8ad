import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RequestRecord } from '../../src/ledger/ledger-record.js';
import { buildDashboardForTest } from './open-dashboard-browser.js';
import { mixConfig, REQUEST_MIX, sendMixRequest } from './serve-request-mix.js';
import { type ObservedGateway, startObservedGateway } from './start-observed-gateway.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './start-otlp-receiver.js';

describe('OTLP traces from a gateway with tracing.enabled, against a local collector', () => {
  let receiver: OtlpReceiver;
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;
  let rows: RequestRecord[];
  let roots: Map<string, ReceivedSpan>;

  before(async () => {
    receiver = await startOtlpReceiver();
    built = await buildDashboardForTest();
    harness = await startObservedGateway({
      config: {
        ...mixConfig(0.0016),
        tracing: { enabled: true, endpoint: receiver.url, service_name: 'tollgate-e2e', export_interval_ms: 50 },
      },
      staticDir: built.directory,
    });
    for (const request of REQUEST_MIX) {
      await sendMixRequest({ url: harness.url, request });
      await harness.cache.flush();
    }
    await harness.ledger.flush();
    rows = await harness.ledger.recentRequests({ limit: 100 });
    assert.equal(rows.length, REQUEST_MIX.length);
    const attempts = rows.reduce((total, row) => total + row.attempts, 0);
    await receiver.waitForSpans(rows.length + attempts);
    roots = new Map(
      receiver.spans
        .filter((span) => span.parentSpanId === undefined)
        .map((span) => [String(span.attributes['tollgate.request_id']), span]),
    );
  });

  after(async () => {
    await harness?.close();
    await receiver?.close();
    await built?.remove();
  });

  it('sends one request span per ledger row, with the GenAI and cost attributes the ledger has', () => {
    assert.equal(roots.size, rows.length);
    for (const row of rows) {
      const span = roots.get(row.requestId);
      assert.ok(span, `a span for ${row.requestId}`);
      const attributes = span.attributes;
      assert.equal(span.resource['service.name'], 'tollgate-e2e');
      assert.equal(span.name, `chat ${row.requestedModel}`);
      assert.equal(attributes['gen_ai.operation.name'], 'chat');
      assert.equal(attributes['gen_ai.request.model'], row.requestedModel);
      assert.equal(attributes['gen_ai.response.model'], row.model ?? undefined);
      assert.equal(attributes['tollgate.tenant'], row.tenant);
      assert.equal(attributes['tollgate.feature'], row.feature);
      assert.equal(attributes['tollgate.cost_usd'], row.costUsd);
      assert.equal(attributes['tollgate.route.rule'], row.routeRule);
      if (row.routeRule !== 'cache') assert.equal(attributes['tollgate.route.reason'] ?? '', row.routeReason);
      assert.equal(attributes['tollgate.cache.status'], row.cacheStatus);
      assert.equal(attributes['tollgate.attempts'], row.attempts);
      if (row.attempts > 0 && row.outcome === 'success') {
        assert.equal(attributes['gen_ai.system'], 'tollgate.simulated');
        assert.equal(
          attributes['gen_ai.usage.input_tokens'],
          row.uncachedInputTokens + row.cacheReadInputTokens + row.cacheWriteInputTokens,
        );
        assert.equal(attributes['gen_ai.usage.output_tokens'], row.outputTokens);
        assert.ok(row.outputTokens > 0);
      }
      assert.equal(span.startMs, row.startedAt);
    }
  });

  it('sends one client span per upstream attempt, errors marked', async () => {
    const chain = rows.find((row) => row.requestedModel === 'chain');
    assert.ok(chain);
    const root = roots.get(chain.requestId) as ReceivedSpan;
    const children = receiver.spans
      .filter((span) => span.parentSpanId === root.spanId)
      .sort(
        (left, right) => Number(left.attributes['tollgate.attempt']) - Number(right.attributes['tollgate.attempt']),
      );
    const detail = await harness.ledger.requestDetail(chain.requestId);
    assert.equal(children.length, detail?.attempts.length);
    assert.equal(children.length, 3, 'two tries on the failing deployment, then the fallback');
    for (const [index, attempt] of (detail?.attempts ?? []).entries()) {
      const span = children[index] as ReceivedSpan;
      assert.equal(span.kind, 3, 'CLIENT');
      assert.equal(span.traceId, root.traceId);
      assert.equal(span.attributes['gen_ai.request.model'], attempt.model);
      assert.equal(span.attributes['error.type'], attempt.errorCode ?? undefined);
      assert.equal(span.status.code, attempt.errorCode ? 2 : 0);
      assert.equal(span.attributes['tollgate.cost_usd'], attempt.costUsd);
    }
    const failedRequest = rows.find((row) => row.requestedModel === 'flaky-only');
    assert.equal(roots.get(failedRequest?.requestId ?? '')?.status.code, 2, 'a 5xx request span is an error');
  });
});
