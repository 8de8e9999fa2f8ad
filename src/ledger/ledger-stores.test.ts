// One suite, run against both stores: what a report reader and the dashboard rely on.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { UsageRow } from '../report/query-usage.js';
import { createVersion2Ledger } from './__fixtures__/create-version-2-ledger.js';
import { sampleAttempt, sampleRequest } from './__fixtures__/sample-records.js';
import {
  assertPostgresReachable,
  createRecordingLogger,
  createTestTarget,
  type TestTarget,
} from './__fixtures__/test-targets.js';
import { createLedger } from './create-ledger.js';
import type { Ledger } from './ledger.js';
import { REQUEST_COLUMNS, toRow } from './ledger-columns.js';
import { SET_ASIDE_FILE } from './ledger-journal.js';
import type { RequestRecord } from './ledger-record.js';
import { createMigrationsTableSql, LEDGER_MIGRATIONS } from './ledger-schema.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 6, 1);

/** Eight requests whose sums are worked out by hand in the assertions below. */
function handComputedRequests(): RequestRecord[] {
  const base = { keyId: 'k1', tier: 'fast', cacheReadInputTokens: 0, cacheWriteInputTokens: 0, reasoningTokens: 0 };
  return [
    sampleRequest({
      ...base,
      requestId: 'r1',
      tenant: 'acme',
      startedAt: T0 + 1 * HOUR,
      uncachedInputTokens: 1000,
      cacheReadInputTokens: 200,
      outputTokens: 100,
      costUsd: 0.0003,
      counterfactualCostUsd: 0.004,
    }),
    sampleRequest({
      ...base,
      requestId: 'r2',
      tenant: 'acme',
      startedAt: T0 + 2 * HOUR,
      provider: 'anthropic',
      model: 'claude-sonnet',
      tier: 'premium',
      routeRule: 'explicit',
      uncachedInputTokens: 500,
      cacheReadInputTokens: 1500,
      cacheWriteInputTokens: 300,
      cacheWrite1hInputTokens: 100,
      outputTokens: 400,
      reasoningTokens: 50,
      costUsd: 0.01,
      counterfactualCostUsd: 0.012,
      attempts: 2,
    }),
    sampleRequest({
      ...base,
      requestId: 'r3',
      tenant: 'acme',
      feature: 'search',
      keyId: null,
      startedAt: T0 + 3 * HOUR,
      provider: null,
      model: null,
      tier: null,
      routeRule: 'cache',
      cacheStatus: 'hit-exact',
      uncachedInputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      counterfactualCostUsd: 0.002,
      attempts: 0,
    }),
    sampleRequest({
      ...base,
      requestId: 'r4',
      tenant: 'globex',
      keyId: 'k2',
      startedAt: T0 + DAY + 5 * HOUR,
      uncachedInputTokens: 300,
      outputTokens: 20,
      costUsd: 0.0001,
      counterfactualCostUsd: 0.001,
      outcome: 'upstream_error',
      errorCode: 'stream_cut',
      httpStatus: 502,
    }),
    sampleRequest({
      ...base,
      requestId: 'r5',
      tenant: 'globex',
      keyId: 'k2',
      startedAt: T0 + DAY + 6 * HOUR,
      provider: 'local',
      model: 'llama',
      tier: 'local',
      routeRule: 'residency',
      uncachedInputTokens: 800,
      outputTokens: 200,
      costUsd: 0,
      counterfactualCostUsd: 0.003,
      priced: false,
    }),
    sampleRequest({
      ...base,
      requestId: 'r6',
      tenant: 'globex',
      keyId: 'k2',
      startedAt: T0 + DAY + 7 * HOUR,
      provider: null,
      model: null,
      routeRule: 'budget',
      cacheStatus: 'bypass',
      uncachedInputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      counterfactualCostUsd: 0,
      outcome: 'budget_rejected',
      errorCode: 'budget_exceeded',
      httpStatus: 429,
      attempts: 0,
    }),
    // Just outside the range [T0, T0 + 2 days): one millisecond before, and exactly at the end.
    sampleRequest({
      ...base,
      requestId: 'r7',
      tenant: 'acme',
      startedAt: T0 - 1,
      costUsd: 5,
      counterfactualCostUsd: 5,
    }),
    sampleRequest({
      ...base,
      requestId: 'r8',
      tenant: 'acme',
      startedAt: T0 + 2 * DAY,
      costUsd: 7,
      counterfactualCostUsd: 7,
    }),
  ];
}

/** The pid of a process that has already exited, whose journal segments a new ledger claims. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  assert.ok(result.pid);
  return result.pid;
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

function roundNumbers(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1e9) / 1e9;
  if (Array.isArray(value)) return value.map(roundNumbers);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, roundNumbers(inner)]));
  }
  return value;
}

function findRow(rows: UsageRow[], group: UsageRow['group']): UsageRow {
  const row = rows.find((candidate) => JSON.stringify(candidate.group) === JSON.stringify(group));
  assert.ok(row, `no row for ${JSON.stringify(group)} in ${JSON.stringify(rows.map((r) => r.group))}`);
  return row;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`ledger on ${kind}`, () => {
    const targets: TestTarget[] = [];
    const ledgers: Ledger[] = [];

    async function openLedger(target?: TestTarget): Promise<{ ledger: Ledger; target: TestTarget }> {
      const where = target ?? createTestTarget(kind);
      if (!target) targets.push(where);
      const ledger = await createLedger(where.config, { logger: createRecordingLogger() });
      ledgers.push(ledger);
      return { ledger, target: where };
    }

    async function ledgerWithHandComputedRows(): Promise<Ledger> {
      const { ledger } = await openLedger();
      for (const request of handComputedRequests()) ledger.recordRequest(request, []);
      await ledger.flush();
      return ledger;
    }

    before(async () => {
      if (kind === 'postgres') await assertPostgresReachable();
    });
    after(async () => {
      for (const ledger of ledgers) await ledger.close();
      for (const target of targets) await target.cleanup();
    });

    test('a request, its attempts and feedback read back exactly as written', async () => {
      const { ledger } = await openLedger();
      const request = sampleRequest({ attempts: 2, ttftMs: null, keyId: null, costUsd: 0.0123456789 });
      const attempts = [
        sampleAttempt(request, {
          outcome: 'error',
          errorCode: 'upstream_overloaded',
          httpStatus: 529,
          ttftMs: null,
          outputTokens: 0,
          costUsd: 0,
        }),
        sampleAttempt(request, { attemptIndex: 1, provider: 'anthropic', model: 'claude-haiku', httpStatus: null }),
      ];
      ledger.recordRequest(request, attempts);
      ledger.recordFeedback({
        requestId: request.requestId,
        at: request.startedAt + 5000,
        score: 0.25,
        label: 'refined',
        comment: 'too short',
      });
      await ledger.flush();
      const detail = await ledger.requestDetail(request.requestId);
      assert.deepEqual(detail, {
        request,
        attempts,
        feedback: [
          {
            requestId: request.requestId,
            at: request.startedAt + 5000,
            score: 0.25,
            label: 'refined',
            comment: 'too short',
          },
        ],
      });
      assert.equal(await ledger.requestDetail('no-such-request'), null);
      assert.deepEqual(await ledger.recentRequests({ limit: 10 }), [request]);
      assert.equal(ledger.stats().recordedRequests, 1);
      assert.equal(ledger.stats().recordedFeedback, 1);
      assert.equal(await ledger.ping(), true);
    });

    test('migrations apply once, however often and however concurrently the store is opened', async () => {
      const { ledger, target } = await openLedger();
      const request = sampleRequest();
      ledger.recordRequest(request, []);
      await ledger.flush();
      const stores = [target.openStore(), target.openStore(), target.openStore()];
      try {
        await Promise.all(stores.map((store) => store.migrate()));
        await stores[0]!.migrate();
        const [migrations] = await stores[0]!.all(
          'SELECT COUNT(*) AS n, MAX(version) AS latest FROM ledger_migrations',
          [],
        );
        assert.equal(Number(migrations?.n), LEDGER_MIGRATIONS.length);
        assert.equal(Number(migrations?.latest), LEDGER_MIGRATIONS.at(-1)?.version);
      } finally {
        for (const store of stores) await store.close();
      }
      const reopened = await openLedger(target);
      assert.deepEqual(await reopened.ledger.recentRequests({ limit: 5 }), [request]);
    });

    test('usage grouped by tenant matches the hand-computed sums, savings and shares', async () => {
      const ledger = await ledgerWithHandComputedRows();
      const report = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: ['tenant'] });
      assert.deepEqual(
        report.rows.map((row) => row.group),
        [{ tenant: 'acme' }, { tenant: 'globex' }],
      );
      const acme = findRow(report.rows, { tenant: 'acme' });
      assert.equal(acme.requests, 3);
      assert.equal(acme.uncachedInputTokens, 1500);
      assert.equal(acme.cacheReadInputTokens, 1700);
      assert.equal(acme.cacheWriteInputTokens, 300);
      assert.equal(acme.cacheWrite1hInputTokens, 100);
      assert.equal(acme.outputTokens, 500);
      assert.equal(acme.reasoningTokens, 50);
      assertClose(acme.costUsd, 0.0103, 'acme cost');
      assertClose(acme.counterfactualCostUsd, 0.018, 'acme counterfactual');
      assertClose(acme.savingsUsd, 0.0077, 'acme savings');
      assert.equal(acme.cacheHits, 1);
      assertClose(acme.cacheHitShare, 1 / 3, 'acme cache hit share');
      assert.equal(acme.errors, 0);
      const globex = findRow(report.rows, { tenant: 'globex' });
      assert.equal(globex.requests, 3);
      assert.equal(globex.uncachedInputTokens, 1100);
      assert.equal(globex.outputTokens, 220);
      assertClose(globex.costUsd, 0.0001, 'globex cost');
      assertClose(globex.savingsUsd, 0.0039, 'globex savings');
      assert.equal(globex.errors, 2, 'upstream_error and budget_rejected');
      assert.equal(globex.unpricedRequests, 1);
      assert.equal(globex.cacheHitShare, 0);
      assert.equal(report.totals.requests, 6);
      assertClose(report.totals.costUsd, 0.0104, 'total cost');
      assertClose(report.totals.counterfactualCostUsd, 0.022, 'total counterfactual');
      assertClose(report.totals.savingsShare, 0.0116 / 0.022, 'total savings share');
    });

    test('usage grouped by day and model, by key, route and cache status', async () => {
      const ledger = await ledgerWithHandComputedRows();
      const byDayModel = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: ['day', 'model'] });
      assert.equal(byDayModel.rows.length, 6);
      assert.deepEqual(
        byDayModel.rows.slice(0, 3).map((row) => row.group),
        [
          { day: '2026-07-01', model: 'claude-sonnet' },
          { day: '2026-07-01', model: 'gpt-4o-mini' },
          { day: '2026-07-01', model: null },
        ],
      );
      assertClose(findRow(byDayModel.rows, { day: '2026-07-02', model: 'gpt-4o-mini' }).costUsd, 0.0001, 'day 2 mini');
      assert.equal(findRow(byDayModel.rows, { day: '2026-07-02', model: null }).errors, 1);

      const byKey = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: ['key'] });
      assert.deepEqual(Object.fromEntries(byKey.rows.map((row) => [String(row.group.key), row.requests])), {
        k1: 2,
        k2: 3,
        null: 1,
      });
      const byRouteCache = await ledger.queryUsage({
        from: T0,
        to: T0 + 2 * DAY,
        groupBy: ['route', 'cache', 'tier', 'provider', 'feature'],
      });
      const cacheRow = findRow(byRouteCache.rows, {
        route: 'cache',
        cache: 'hit-exact',
        tier: null,
        provider: null,
        feature: 'search',
      });
      assertClose(cacheRow.savingsUsd, 0.002, 'a cache hit saves its whole counterfactual');
      assert.equal(byRouteCache.totals.requests, 6);
    });

    test('time range is [from, to) and filters narrow it', async () => {
      const ledger = await ledgerWithHandComputedRows();
      const all = await ledger.queryUsage({ from: T0 - 1, to: T0 + 2 * DAY + 1, groupBy: [] });
      assert.equal(all.totals.requests, 8, 'both edge rows are inside a range one millisecond wider');
      const middle = await ledger.queryUsage({ from: T0 + 2 * HOUR, to: T0 + DAY + 5 * HOUR, groupBy: [] });
      assert.equal(middle.totals.requests, 2, 'r2 at from is in, r4 at to is out');
      const noKey = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: [], filters: { keyId: null } });
      assert.equal(noKey.totals.requests, 1);
      const failed = await ledger.queryUsage({
        from: T0,
        to: T0 + 2 * DAY,
        groupBy: ['tenant'],
        filters: { outcome: ['upstream_error', 'budget_rejected'], tenant: 'globex' },
      });
      assert.deepEqual(
        failed.rows.map((row) => [row.group.tenant, row.requests]),
        [['globex', 2]],
      );
      const none = await ledger.queryUsage({
        from: T0,
        to: T0 + 2 * DAY,
        groupBy: ['tenant'],
        filters: { tenant: [] },
      });
      assert.deepEqual(none.rows, []);
      assert.equal(none.totals.requests, 0);
    });

    test('a scan in slices adds up to the same report as one query', async () => {
      const ledger = await ledgerWithHandComputedRows();
      const whole = await ledger.queryUsage({ from: T0 - DAY, to: T0 + 3 * DAY, groupBy: ['tenant', 'day'] });
      const progress: number[] = [];
      const sliced = await ledger.queryUsage({
        from: T0 - DAY,
        to: T0 + 3 * DAY,
        groupBy: ['tenant', 'day'],
        slices: 7,
        useRollup: false,
        onProgress: (done) => progress.push(done),
      });
      // Sums in another order differ in the last bits of a double: compare to a billionth of a dollar.
      assert.deepEqual(roundNumbers(sliced), roundNumbers(whole));
      assert.equal(progress.length, 7);
      assert.equal(progress.at(-1), 1);
    });

    test('whole days read from the daily rollup match the requests they sum', async () => {
      const ledger = await ledgerWithHandComputedRows();
      // Recorded again in a later batch: the rollup must not count a replay twice.
      for (const request of handComputedRequests().slice(0, 3)) ledger.recordRequest(request, []);
      await ledger.flush();
      const ranges = [
        { from: T0 - 5 * HOUR, to: T0 + 2 * DAY + 3 * HOUR },
        { from: T0, to: T0 + 2 * DAY },
        { from: T0 + 2 * HOUR, to: T0 + DAY + 6 * HOUR },
      ];
      const filterSets = [
        {},
        { keyId: null },
        { provider: null, includeShadow: false },
        { outcome: 'success' as const },
      ];
      const groupings = [
        [],
        ['tenant', 'day'],
        ['key', 'provider', 'model', 'tier', 'route', 'cache', 'feature'],
      ] as const;
      for (const range of ranges) {
        for (const filters of filterSets) {
          for (const groupBy of groupings) {
            const query = { ...range, groupBy: [...groupBy], filters };
            const fromRollup = await ledger.queryUsage(query);
            const fromRequests = await ledger.queryUsage({ ...query, useRollup: false });
            assert.deepEqual(roundNumbers(fromRollup), roundNumbers(fromRequests), JSON.stringify(query));
          }
        }
      }
      const [rollupRows] = await Promise.all([ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: [] })]);
      assert.equal(rollupRows.totals.requests, 6);
    });

    test('migration 2 fills the rollup from requests recorded before it existed', async () => {
      const target = createTestTarget(kind);
      targets.push(target);
      const dialect = kind;
      const request = sampleRequest({ startedAt: T0 + HOUR, costUsd: 0.5 });
      // Version 1's columns: those added later did not exist yet.
      const row = toRow(
        request,
        REQUEST_COLUMNS.filter((spec) => spec.column !== 'live_cost_usd'),
        dialect,
      );
      const columns = Object.keys(row);
      await target.execute([
        { sql: createMigrationsTableSql(dialect) },
        ...LEDGER_MIGRATIONS[0]!.statements(dialect).map((sql) => ({ sql })),
        { sql: `INSERT INTO ledger_migrations (version, name, applied_at) VALUES (1, 'v1', 0)` },
        {
          sql: `INSERT INTO ledger_requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          params: Object.values(row),
        },
      ]);
      const { ledger } = await openLedger(target);
      const report = await ledger.queryUsage({ from: T0, to: T0 + DAY, groupBy: ['tenant'] });
      assert.deepEqual(
        report.rows.map((usage) => [usage.group.tenant, usage.requests, usage.costUsd]),
        [['acme', 1, 0.5]],
      );
    });

    test('batch spend and its saving against live prices, the same from the rollup as from the requests', async () => {
      const { ledger } = await openLedger();
      const batchLine = (id: string, startedAt: number, costUsd: number, liveCostUsd: number) =>
        sampleRequest({ requestId: id, startedAt, batch: true, costUsd, liveCostUsd, tenant: 'acme' });
      const rows = [
        // A provider batch line at half the live price, and one of the next day.
        batchLine('b1', T0 + HOUR, 0.002, 0.004),
        batchLine('b2', T0 + DAY + HOUR, 0.0005, 0.001),
        // A batch line the gateway ran itself, through the live API: no saving.
        batchLine('b3', T0 + 2 * HOUR, 0.003, 0.003),
        // Interactive traffic: not batch spend.
        sampleRequest({ requestId: 'i1', startedAt: T0 + 3 * HOUR, costUsd: 0.01, tenant: 'globex' }),
      ];
      for (const request of rows) ledger.recordRequest(request, []);
      await ledger.flush();
      const whole = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: ['tenant'] });
      const acme = findRow(whole.rows, { tenant: 'acme' });
      assert.equal(acme.batchRequests, 3);
      assertClose(acme.batchCostUsd, 0.0055, 'acme batch cost');
      assertClose(acme.batchSavingUsd, 0.0025, 'acme batch saving');
      assertClose(acme.costUsd, 0.0055, 'batch spend is part of the spend');
      const globex = findRow(whole.rows, { tenant: 'globex' });
      assert.deepEqual([globex.batchRequests, globex.batchCostUsd, globex.batchSavingUsd], [0, 0, 0]);
      assertClose(whole.totals.batchSavingUsd, 0.0025, 'total batch saving');
      for (const range of [
        { from: T0, to: T0 + 2 * DAY },
        { from: T0 + 2 * HOUR, to: T0 + 2 * DAY },
      ]) {
        for (const groupBy of [[], ['day', 'tenant']] as const) {
          const query = { ...range, groupBy: [...groupBy] };
          assert.deepEqual(
            roundNumbers(await ledger.queryUsage(query)),
            roundNumbers(await ledger.queryUsage({ ...query, useRollup: false })),
            JSON.stringify(query),
          );
        }
      }
      const [stored] = await ledger.recentRequests({ limit: 1, filters: { tenant: 'globex' } });
      assert.equal(stored?.liveCostUsd, 0.01, 'a row recorded without a live cost stores its cost');
    });

    test('migration 3 opens a version 2 ledger: its rows report as before, its batch rows save nothing', async () => {
      const target = createTestTarget(kind);
      targets.push(target);
      const old = [
        sampleRequest({ requestId: 'v2-a', startedAt: T0 + HOUR, costUsd: 0.5, counterfactualCostUsd: 1 }),
        sampleRequest({ requestId: 'v2-b', startedAt: T0 + 2 * HOUR, costUsd: 0.25, batch: true }),
        sampleRequest({ requestId: 'v2-c', startedAt: T0 + DAY + HOUR, costUsd: 0.125, batch: true }),
      ];
      await createVersion2Ledger(target, old);
      const { ledger } = await openLedger(target);
      const store = target.openStore();
      try {
        const [migrations] = await store.all('SELECT MAX(version) AS latest FROM ledger_migrations', []);
        assert.equal(Number(migrations?.latest), 3);
      } finally {
        await store.close();
      }
      const report = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: ['day'] });
      assert.deepEqual(
        roundNumbers(
          report.rows.map((row) => [
            row.group.day,
            row.requests,
            row.costUsd,
            row.batchRequests,
            row.batchCostUsd,
            row.batchSavingUsd,
          ]),
        ),
        [
          ['2026-07-01', 2, 0.75, 1, 0.25, 0],
          ['2026-07-02', 1, 0.125, 1, 0.125, 0],
        ],
      );
      const [before] = await ledger.recentRequests({ limit: 1, from: T0, before: T0 + HOUR + 1 });
      assert.equal(before?.liveCostUsd, null, 'a row older than migration 3 has no live cost');
      // New rows after the upgrade carry their saving; the rollup (whole days) agrees with the rows.
      ledger.recordRequest(
        sampleRequest({ requestId: 'v3-a', startedAt: T0 + 3 * HOUR, costUsd: 0.5, liveCostUsd: 1, batch: true }),
        [],
      );
      await ledger.flush();
      const after = await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: [] });
      assert.deepEqual(
        roundNumbers([after.totals.batchRequests, after.totals.batchCostUsd, after.totals.batchSavingUsd]),
        [3, 0.875, 0.5],
      );
      assert.deepEqual(
        roundNumbers(after),
        roundNumbers(await ledger.queryUsage({ from: T0, to: T0 + 2 * DAY, groupBy: [], useRollup: false })),
      );
    });

    test('shadow runs can be left out', async () => {
      const { ledger } = await openLedger();
      const original = sampleRequest({ startedAt: T0 });
      ledger.recordRequest(original, []);
      ledger.recordRequest(
        sampleRequest({ startedAt: T0, shadowOf: original.requestId, counterfactualCostUsd: 0 }),
        [],
      );
      await ledger.flush();
      const withShadow = await ledger.queryUsage({ from: T0, to: T0 + 1, groupBy: [] });
      const withoutShadow = await ledger.queryUsage({
        from: T0,
        to: T0 + 1,
        groupBy: [],
        filters: { includeShadow: false },
      });
      assert.equal(withShadow.totals.requests, 2);
      assert.equal(withoutShadow.totals.requests, 1);
    });

    test('time series per hour and per day, and recent requests page backwards', async () => {
      const ledger = await ledgerWithHandComputedRows();
      const daily = await ledger.timeSeries({ from: T0, to: T0 + 2 * DAY, bucket: 'day', by: 'tenant' });
      assert.deepEqual(
        daily.map((point) => [point.bucketStart, point.series, point.requests]),
        [
          [T0, 'acme', 3],
          [T0 + DAY, 'globex', 3],
        ],
      );
      const hourly = await ledger.timeSeries({ from: T0, to: T0 + 2 * DAY, bucket: 'hour' });
      assert.deepEqual(
        hourly.map((point) => (point.bucketStart - T0) / HOUR),
        [1, 2, 3, 29, 30, 31],
      );
      assert.ok(hourly.every((point) => point.series === null && point.requests === 1));
      const byModel = await ledger.timeSeries({ from: T0, to: T0 + DAY, bucket: 'day', by: 'model' });
      assert.deepEqual(
        byModel.map((point) => point.series),
        [null, 'claude-sonnet', 'gpt-4o-mini'],
      );

      const firstPage = await ledger.recentRequests({ limit: 3 });
      assert.deepEqual(
        firstPage.map((request) => request.requestId),
        ['r8', 'r6', 'r5'],
      );
      const secondPage = await ledger.recentRequests({ limit: 3, before: firstPage.at(-1)!.startedAt });
      assert.deepEqual(
        secondPage.map((request) => request.requestId),
        ['r4', 'r3', 'r2'],
      );
      const acmeOnly = await ledger.recentRequests({ limit: 10, filters: { tenant: 'acme' }, from: T0 });
      assert.deepEqual(
        acmeOnly.map((request) => request.requestId),
        ['r8', 'r3', 'r2', 'r1'],
      );
    });

    test('recording the same request twice keeps one row', async () => {
      const { ledger } = await openLedger();
      const request = sampleRequest({ startedAt: T0 });
      ledger.recordRequest(request, [sampleAttempt(request)]);
      ledger.recordRequest(request, [sampleAttempt(request)]);
      await ledger.flush();
      const report = await ledger.queryUsage({ from: T0, to: T0 + 1, groupBy: [] });
      assert.equal(report.totals.requests, 1);
    });

    test("a damaged line in a dead run's journal is set aside; the entries around it are stored", async () => {
      const target = createTestTarget(kind);
      targets.push(target);
      const entries = ['d1', 'd2', 'd3'].map((requestId, index) => {
        const request = sampleRequest({ requestId, startedAt: T0 + index, costUsd: 0.25 });
        return { kind: 'request', request, attempts: [sampleAttempt(request)] };
      });
      const lines = entries.map((entry) => JSON.stringify(entry));
      lines.splice(2, 0, '{"kind":"request","request":{"requestId":"cut');
      mkdirSync(target.journalDir, { recursive: true });
      writeFileSync(join(target.journalDir, `segment-${deadPid()}-1-abcd-1.jsonl`), `${lines.join('\n')}\n`);
      const { ledger } = await openLedger(target);
      const report = await ledger.queryUsage({ from: T0, to: T0 + DAY, groupBy: [] });
      assert.equal(report.totals.requests, 3);
      assertClose(report.totals.costUsd, 0.75, 'cost of the stored requests');
      assert.equal((await ledger.requestDetail('d3'))?.attempts.length, 1);
      assert.equal(ledger.stats().setAside, 1);
      assert.match(readFileSync(join(target.journalDir, SET_ASIDE_FILE), 'utf8'), /damaged journal line/);
    });

    test('fields a database would refuse are corrected and logged, not lost', async () => {
      const logger = createRecordingLogger();
      const target = createTestTarget(kind);
      targets.push(target);
      const ledger = await createLedger(target.config, { logger });
      ledgers.push(ledger);
      const request = sampleRequest({
        startedAt: T0 + 0.7,
        costUsd: Number.NaN,
        routeReason: 'a\u0000b',
        outputTokens: 12.6,
      });
      assert.doesNotThrow(() => ledger.recordRequest(request, []));
      await ledger.flush();
      const [stored] = await ledger.recentRequests({ limit: 1 });
      assert.equal(stored?.startedAt, T0 + 1);
      assert.equal(stored?.costUsd, 0);
      assert.equal(stored?.routeReason, 'ab');
      assert.equal(stored?.outputTokens, 13);
      assert.equal(ledger.stats().correctedRecords, 1);
      assert.match(JSON.stringify(logger.lines), /costUsd is not a finite number/);
    });
  });
}
