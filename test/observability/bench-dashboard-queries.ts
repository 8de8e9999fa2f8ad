/**
 * How fast the dashboard's /admin queries answer on a SQLite ledger of 1M requests spread over 30
 * days. Times each request the dashboard makes on a refresh, one by one and all at once (as the
 * browser sends them), for each range.
 * Run: `node --import tsx test/observability/bench-dashboard-queries.ts [rows] [--keep PATH]`
 * (`--keep` fills PATH once and reuses it on later runs.)
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createAdminHandlers } from '../../src/admin/create-admin-handlers.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import { REQUEST_COLUMNS, toRow } from '../../src/ledger/ledger-columns.js';
import type { RequestRecord } from '../../src/ledger/ledger-record.js';
import { ROLLUP_TABLE, rollupInsertSql } from '../../src/ledger/usage-rollup.js';
import { createLogger } from '../../src/logging/create-logger.js';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const keep = process.argv.indexOf('--keep') > 0 ? process.argv[process.argv.indexOf('--keep') + 1] : undefined;
const DAY_MS = 86_400_000;
const directory = await mkdtemp(join(tmpdir(), 'tollgate-bench-dashboard-'));
const path = keep ?? join(directory, 'ledger.db');
const reuse = keep !== undefined && existsSync(keep);
const logger = createLogger({ level: 'silent' });

// Migrate through the ledger itself, then fill the table directly: a million rows through the
// journal would measure the journal, not the queries.
const now = Date.now();
if (!reuse) await fillLedger();

async function fillLedger(): Promise<void> {
  await (await createLedger({ kind: 'sqlite', path }, { logger })).close();
  const fillStarted = performance.now();
  const database = new Database(path);
  const columns = REQUEST_COLUMNS.map((spec) => spec.column);
  const insert = database.prepare(
    `INSERT INTO ledger_requests (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`,
  );
  const tiers = ['fast', 'balanced', 'premium'];
  const models = ['gpt-5.4-nano', 'gpt-5.4-mini', 'claude-haiku-4-5', 'claude-sonnet-4-5', 'gpt-5.4'];
  const rules = ['complexity', 'tier', 'explicit', 'budget', 'cost', 'cache'] as const;
  const caches = ['miss', 'miss', 'miss', 'hit-exact', 'hit-semantic', 'bypass'] as const;
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <Item>(items: readonly Item[]): Item => items[Math.floor(random() * items.length)] as Item;
  const fill = database.transaction((count: number, offset: number) => {
    for (let index = 0; index < count; index++) {
      const tier = pick(tiers);
      const cacheStatus = pick(caches);
      const record: RequestRecord = {
        requestId: `req-${offset + index}`,
        // Rows arrive in time order, as a ledger is written, with a little jitter.
        startedAt: Math.floor(now - 30 * DAY_MS + ((offset + index) * 30 * DAY_MS) / ROWS + random() * 1_000),
        // Skewed like real traffic: a few tenants send most requests.
        tenant: `tenant-${Math.floor(random() ** 3 * 200)}`,
        feature: `feature-${Math.floor(random() ** 2 * 12)}`,
        keyId: random() < 0.5 ? `key-${Math.floor(random() * 300)}` : null,
        protocol: random() < 0.7 ? 'openai' : 'anthropic',
        requestedModel: 'auto',
        routeRule: cacheStatus.startsWith('hit') ? 'cache' : pick(rules),
        routeReason: 'bench',
        tier,
        provider: 'sim',
        model: pick(models),
        uncachedInputTokens: Math.floor(random() * 2_000),
        cacheReadInputTokens: Math.floor(random() * 1_000),
        cacheWriteInputTokens: 0,
        cacheWrite1hInputTokens: 0,
        outputTokens: Math.floor(random() * 600),
        reasoningTokens: 0,
        usageSource: 'reported',
        costUsd: random() * 0.01,
        counterfactualCostUsd: random() * 0.03,
        cacheStatus,
        latencyMs: random() * 3_000,
        ttftMs: random() * 800,
        overheadMs: random() * 3,
        attempts: 1,
        stream: random() < 0.5,
        batch: false,
        outcome: random() < 0.97 ? 'success' : 'upstream_error',
        errorCode: null,
        httpStatus: 200,
        shadowOf: null,
        priced: true,
      };
      insert.run(toRow(record, REQUEST_COLUMNS, 'sqlite'));
    }
  });
  for (let offset = 0; offset < ROWS; offset += 50_000) fill(Math.min(50_000, ROWS - offset), offset);
  // The ledger keeps a daily rollup in the same transaction as its inserts; rows put in directly need it rebuilt.
  database.exec(`DELETE FROM ${ROLLUP_TABLE}`);
  database.exec(rollupInsertSql('ledger_requests WHERE true', 'sqlite'));
  database.close();
  console.log(`filled ${ROWS} rows in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);
}

const ledger = await createLedger({ kind: 'sqlite', path }, { logger });
const admin = createAdminHandlers({ ledger, masterKey: () => undefined });
const server = createServer((request, response) => {
  void admin.handle(request, response, new URL(request.url ?? '/', 'http://bench.invalid'));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function timed(path: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${base}${path}`);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return performance.now() - started;
}

for (const [label, days, bucket] of [
  ['24h', 1, 'hour'],
  ['7d', 7, 'day'],
  ['30d', 30, 'day'],
] as const) {
  const range = `from=${now - days * DAY_MS}&to=${now + 1}`;
  // What the dashboard asks on each refresh (src/dashboard/app/main.ts), plus a filtered request list.
  const paths = [
    `/admin/usage?${range}&by=tenant`,
    `/admin/usage?${range}&by=feature`,
    `/admin/usage?${range}&by=model,tier,route`,
    `/admin/timeseries?${range}&bucket=${bucket}&series=tenant`,
    `/admin/requests?limit=50&from=${now - days * DAY_MS}`,
    `/admin/requests?limit=50&from=${now - days * DAY_MS}&tenant=tenant-7&cache=miss`,
  ];

  await timed(paths[0] as string);
  // A fast wrong answer is no answer: the totals must count every row in the range.
  const counted = (await (await fetch(`${base}${paths[0]}`)).json()) as { totals: { requests: number } };
  const expected = (
    new Database(path, { readonly: true })
      .prepare('SELECT COUNT(*) AS count FROM ledger_requests WHERE started_at >= ? AND started_at < ?')
      .get(now - days * DAY_MS, now + 1) as { count: number }
  ).count;
  if (counted.totals.requests !== expected)
    throw new Error(`${label}: the API counted ${counted.totals.requests} of ${expected} rows`);
  const one: string[] = [];
  for (const item of paths)
    one.push(
      `${item.split('?')[0]}${item.includes('by=') ? ` ${/by=([^&]+)/.exec(item)?.[1]}` : ''}: ${(await timed(item)).toFixed(0)} ms`,
    );
  const started = performance.now();
  await Promise.all(paths.map(timed));
  const together = performance.now() - started;
  console.log(`range ${label}: a full dashboard refresh (${paths.length} requests at once) ${together.toFixed(0)} ms`);
  for (const line of one) console.log(`  ${line}`);
}
server.close();
await ledger.close();
await rm(directory, { recursive: true, force: true });
