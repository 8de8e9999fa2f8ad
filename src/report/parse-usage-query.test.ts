import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from '../spec/gateway-error.js';
import { parseTimeSeriesQuery, parseUsageQuery } from './parse-usage-query.js';

test('a usage query string becomes a usage query with filters', () => {
  const query = parseUsageQuery(
    new URLSearchParams(
      'from=2026-07-01&to=1783000000000&by=tenant,day&tenant=acme&tenant=globex&key=none&cache=hit-exact,hit-semantic&shadow=exclude',
    ),
  );
  assert.deepEqual(query, {
    from: Date.UTC(2026, 6, 1),
    to: 1783000000000,
    groupBy: ['tenant', 'day'],
    filters: {
      tenant: ['acme', 'globex'],
      keyId: [null],
      cacheStatus: ['hit-exact', 'hit-semantic'],
      includeShadow: false,
    },
  });
});

test('defaults: the last 30 days by model, no filters', () => {
  const before = Date.now();
  const query = parseUsageQuery(new URLSearchParams());
  assert.deepEqual(query.groupBy, ['model']);
  assert.deepEqual(query.filters, {});
  assert.ok(query.to >= before && query.to - query.from === 30 * 86_400_000);
});

test('bad input is an invalid_request naming the parameter', () => {
  for (const [text, param] of [
    ['by=colour', 'by'],
    ['by=none', 'by'],
    ['from=yesterday', 'from'],
    ['from=2026-08-02&to=2026-08-01', 'from'],
    ['cache=warm', 'cache'],
    ['shadow=maybe', 'shadow'],
    ['bucket=week', 'bucket'],
  ] as const) {
    const parse = param === 'bucket' ? parseTimeSeriesQuery : parseUsageQuery;
    assert.throws(
      () => parse(new URLSearchParams(text)),
      (error: unknown) => error instanceof GatewayError && error.code === 'invalid_request' && error.param === param,
      text,
    );
  }
});

test('a time series query picks hours for short ranges and days for long ones', () => {
  const short = parseTimeSeriesQuery(new URLSearchParams('from=2026-07-01&to=2026-07-02&series=model'));
  assert.equal(short.bucket, 'hour');
  assert.equal(short.by, 'model');
  const long = parseTimeSeriesQuery(new URLSearchParams('from=2026-06-01&to=2026-07-01'));
  assert.equal(long.bucket, 'day');
  assert.equal(long.by, undefined);
  assert.throws(() => parseTimeSeriesQuery(new URLSearchParams('series=day')), GatewayError);
});
