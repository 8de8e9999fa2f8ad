// node --import tsx bench/ledger/explain-ledger-queries.ts [-- --rows N --drop index1,index2]
//
// Which index each ledger read uses (SQLite EXPLAIN QUERY PLAN) and how long it takes, over a
// SQLite ledger of --rows requests spread over 8 days: the dashboard's and the admin API's queries
// (usage, hourly series, recent requests with each filter), `tollgate report` with filters, the
// replay's range read and the router's feedback join. With --drop, the same queries again after
// dropping those indexes, side by side: what an index buys the reads it is kept for.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sampleAttempt, sampleRequest } from '../../src/ledger/__fixtures__/sample-records.js';
import type { SqlValue } from '../../src/ledger/ledger-columns.js';
import type { CacheStatus, RequestOutcome } from '../../src/ledger/ledger-record.js';
import type { LedgerEntry, LedgerReader } from '../../src/ledger/ledger-store.js';
import { SqliteLedgerStore } from '../../src/ledger/sqlite-ledger-store.js';
import { readLedgerRecords } from '../../src/replay/trace/read-ledger-trace.js';
import { queryUsage } from '../../src/report/query-usage.js';
import { recentRequests } from '../../src/report/recent-requests.js';
import { requestDetail } from '../../src/report/request-detail.js';
import { timeSeries } from '../../src/report/time-series.js';
import { readLedgerOutcomes } from '../../src/routing/learning/read-ledger-outcomes.js';

const { values } = parseArgs({
  options: { rows: { type: 'string', default: '200000' }, drop: { type: 'string', default: '' } },
});
const ROWS = Number(values.rows);
const DROP = values.drop.split(',').filter((name) => name !== '');
const DAY = 86_400_000;
const END = Date.UTC(2026, 7, 1, 14, 30);
const SPAN = 8 * DAY;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'claude-haiku', 'deepseek-chat'];
const CACHE: CacheStatus[] = ['miss', 'miss', 'miss', 'hit-exact', 'hit-semantic', 'bypass'];
const OUTCOMES: RequestOutcome[] = ['success', 'success', 'success', 'success', 'success', 'success', 'upstream_error'];

/** A reader that records the SQL of each query, to explain it afterwards. */
function recordingReader(store: SqliteLedgerStore, seen: { sql: string; params: readonly SqlValue[] }[]): LedgerReader {
  return {
    dialect: 'sqlite',
    async all(sql, params) {
      seen.push({ sql, params });
      return store.allSync(sql, params);
    },
  };
}

const since24h = { from: END - DAY, to: END };
const since7d = { from: END - 7 * DAY, to: END };
const QUERIES: { name: string; run: (reader: LedgerReader) => Promise<unknown> }[] = [
  { name: 'dashboard usage 24h by tenant', run: (r) => queryUsage(r, { ...since24h, groupBy: ['tenant'] }) },
  {
    name: 'dashboard usage 7d by model,tier,route',
    run: (r) => queryUsage(r, { ...since7d, groupBy: ['model', 'tier', 'route'] }),
  },
  {
    name: 'dashboard hourly series 24h by tenant',
    run: (r) => timeSeries(r, { ...since24h, bucket: 'hour', by: 'tenant' }),
  },
  { name: 'dashboard daily series 7d by model', run: (r) => timeSeries(r, { ...since7d, bucket: 'day', by: 'model' }) },
  { name: 'recent 50, no filter', run: (r) => recentRequests(r, { limit: 50, from: END - DAY }) },
  {
    name: 'recent 50, tenant',
    run: (r) => recentRequests(r, { limit: 50, from: END - DAY, filters: { tenant: 'tenant-7' } }),
  },
  {
    name: 'recent 50, feature',
    run: (r) => recentRequests(r, { limit: 50, from: END - DAY, filters: { feature: 'feature-3' } }),
  },
  {
    name: 'recent 50, model',
    run: (r) => recentRequests(r, { limit: 50, from: END - DAY, filters: { model: 'gpt-4o' } }),
  },
  {
    name: 'recent 50, cache hit-exact',
    run: (r) => recentRequests(r, { limit: 50, from: END - DAY, filters: { cacheStatus: 'hit-exact' } }),
  },
  {
    name: 'recent 50, outcome error',
    run: (r) => recentRequests(r, { limit: 50, from: END - DAY, filters: { outcome: 'upstream_error' } }),
  },
  {
    name: 'recent 50, a rare key (page 2)',
    run: (r) => recentRequests(r, { limit: 50, before: END - DAY, filters: { keyId: 'key-7' } }),
  },
  {
    name: 'recent 50 in 7 days, a rare feature',
    run: (r) => recentRequests(r, { limit: 50, from: END - 7 * DAY, filters: { feature: 'feature-rare' } }),
  },
  {
    name: 'recent 50, a rare provider, no lower bound',
    run: (r) => recentRequests(r, { limit: 50, before: END, filters: { provider: 'local' } }),
  },
  {
    name: 'report 7d by model, a rare provider',
    run: (r) => queryUsage(r, { ...since7d, groupBy: ['model'], filters: { provider: 'local' } }),
  },
  {
    name: 'report 7d by model, tenant filter',
    run: (r) => queryUsage(r, { ...since7d, groupBy: ['model'], filters: { tenant: 'tenant-7' } }),
  },
  {
    name: 'report 7d by day, key filter',
    run: (r) => queryUsage(r, { ...since7d, groupBy: ['day'], filters: { keyId: 'key-7' } }),
  },
  {
    name: 'report 7d by feature, provider filter',
    run: (r) => queryUsage(r, { ...since7d, groupBy: ['feature'], filters: { provider: 'anthropic' } }),
  },
  {
    name: 'report 24h by key, model filter',
    run: (r) => queryUsage(r, { ...since24h, groupBy: ['key'], filters: { model: 'gpt-4o' } }),
  },
  {
    name: 'hourly series 24h, tenant filter',
    run: (r) => timeSeries(r, { ...since24h, bucket: 'hour', filters: { tenant: 'tenant-7' } }),
  },
  { name: 'request detail', run: (r) => requestDetail(r, 'req-bench-123') },
  { name: 'replay: one hour of requests', run: (r) => readLedgerRecords(r, { from: END - 3_600_000, to: END }) },
  { name: 'router: feedback join', run: (r) => readLedgerOutcomes({ reader: r, prompts: new Map() }) },
];

function fill(store: SqliteLedgerStore): void {
  for (let start = 0; start < ROWS; start += 5000) {
    const entries: LedgerEntry[] = [];
    for (let index = start; index < Math.min(ROWS, start + 5000); index += 1) {
      const model = MODELS[index % 5] as string;
      const request = sampleRequest({
        requestId: `req-bench-${index}`,
        startedAt: END - SPAN + Math.floor((index * SPAN) / ROWS),
        tenant: `tenant-${index % 50}`,
        // One request in a thousand from a rare feature and a local endpoint: filters that match few rows.
        feature: index % 1000 === 0 ? 'feature-rare' : `feature-${index % 7}`,
        keyId: `key-${(index * 7919) % 200}`,
        provider:
          index % 1000 === 1
            ? 'local'
            : model.startsWith('claude')
              ? 'anthropic'
              : model.startsWith('deepseek')
                ? 'deepseek'
                : 'openai',
        model,
        cacheStatus: CACHE[index % CACHE.length] as CacheStatus,
        outcome: OUTCOMES[index % OUTCOMES.length] as RequestOutcome,
        costUsd: (index % 100) / 100_000,
      });
      entries.push({ kind: 'request', request, attempts: [sampleAttempt(request)] });
    }
    store.writeSync(entries);
  }
}

/** Runs every query, returning its plan (indexes named) and median time of 3 runs. */
async function measure(store: SqliteLedgerStore): Promise<{ plan: string; ms: number }[]> {
  const results: { plan: string; ms: number }[] = [];
  for (const query of QUERIES) {
    const seen: { sql: string; params: readonly SqlValue[] }[] = [];
    await query.run(recordingReader(store, seen));
    const timings: number[] = [];
    for (let run = 0; run < 3; run += 1) {
      const started = performance.now();
      await query.run(recordingReader(store, []));
      timings.push(performance.now() - started);
    }
    const plan = seen
      .map(({ sql, params }) =>
        store
          .allSync(`EXPLAIN QUERY PLAN ${sql}`, params)
          .map((row) => String(row.detail))
          .filter((detail) => /ledger_requests|ledger_usage_daily|ledger_feedback|ledger_attempts/.test(detail))
          .join('; '),
      )
      .join(' | ');
    results.push({ plan, ms: timings.sort((left, right) => left - right)[1] as number });
  }
  return results;
}

const directory = mkdtempSync(join(tmpdir(), 'tollgate-explain-'));
const store = new SqliteLedgerStore({ path: join(directory, 'ledger.db') });
try {
  fill(store);
  console.log(
    `$ node --import tsx bench/ledger/explain-ledger-queries.ts --rows ${ROWS}${DROP.length ? ` --drop ${DROP.join(',')}` : ''}`,
  );
  console.log(`${ROWS.toLocaleString('en-US')} requests over 8 days (50 tenants, 7 features, 200 keys, 5 models)\n`);
  const before = await measure(store);
  if (DROP.length > 0) {
    const database = new Database(store.path);
    for (const name of DROP) database.exec(`DROP INDEX ${name}`);
    database.close();
  }
  const after = DROP.length > 0 ? await measure(store) : undefined;
  QUERIES.forEach((query, index) => {
    const first = before[index] as { plan: string; ms: number };
    console.log(
      `${query.name}: ${first.ms.toFixed(1)} ms${after ? ` → ${(after[index] as { ms: number }).ms.toFixed(1)} ms without` : ''}`,
    );
    console.log(`    ${first.plan}`);
    if (after && after[index]?.plan !== first.plan) console.log(`    without: ${after[index]?.plan}`);
  });
} finally {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
}
