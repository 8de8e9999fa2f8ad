// npm run bench:ledger [-- --requests N --runs R --rate N --seconds S --scan-rows N]
//
// Ledger write throughput (requests with one attempt each, until they are in the store) for SQLite
// and PostgreSQL side by side, and the latency of one recordRequest call: what the request path
// pays. Then the CPU the ledger costs per request (all threads of the process: journal line, drain,
// store writes) when requests arrive at a steady --rate per second, as in a gateway, against the
// same loop with the ledger off. With --scan-rows, also the time of a 30-day report over a SQLite
// ledger of that many rows.
//
// TODO(gateway): add the added gateway latency with the ledger on vs off (autocannon against the
// server with `storage.ledger: sqlite|postgres|off`), side by side with the figures below, once
// the server exists. Target: the ledger adds under 0.2 ms p50.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sampleAttempt, sampleRequest } from '../../src/ledger/__fixtures__/sample-records.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { LedgerConfig } from '../../src/ledger/ledger.js';
import type { LedgerEntry } from '../../src/ledger/ledger-store.js';
import { SqliteLedgerStore } from '../../src/ledger/sqlite-ledger-store.js';
import { queryUsage } from '../../src/report/query-usage.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '4' },
    'scan-rows': { type: 'string', default: '0' },
  },
});
const RATE = Number(values.rate);
const PACED_SECONDS = Number(values.seconds);
const REQUESTS = Number(values.requests);
const RUNS = Number(values.runs);
const SCAN_ROWS = Number(values['scan-rows']);
const POSTGRES_URL =
  process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://tollgate:tollgate@127.0.0.1:5432/tollgate_test';
const silent = { warn() {}, error() {} };

interface RunResult {
  requestsPerSecond: number;
  latenciesMs: number[];
  /** Event-loop time the drain took per request (reading the journal back, building rows). */
  drainLoopMsPerRequest: number;
}

function percentile(sorted: number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

function median(numbers: number[]): number {
  return percentile(
    [...numbers].sort((left, right) => left - right),
    0.5,
  );
}

/** Records `count` requests, timing each call, then waits until the store has them all. */
async function runOnce(config: LedgerConfig, count: number): Promise<RunResult> {
  const ledger = await createLedger(config, { logger: silent });
  const requests = Array.from({ length: count }, (_, index) =>
    sampleRequest({ startedAt: Date.UTC(2026, 6, 1) + index * 1000 }),
  );
  const latenciesMs: number[] = new Array(count);
  const started = performance.now();
  for (let index = 0; index < count; index += 1) {
    const request = requests[index]!;
    const attempts = [sampleAttempt(request)];
    const before = performance.now();
    ledger.recordRequest(request, attempts);
    latenciesMs[index] = performance.now() - before;
  }
  const loopBefore = performance.eventLoopUtilization();
  await ledger.flush();
  const drainLoop = performance.eventLoopUtilization(loopBefore);
  const elapsedMs = performance.now() - started;
  const stored = (await ledger.queryUsage({ from: 0, to: Date.UTC(2100, 0, 1), groupBy: [] })).totals.requests;
  await ledger.close();
  if (stored !== count) throw new Error(`${config.kind}: expected ${count} rows, found ${stored}`);
  return {
    requestsPerSecond: (count / elapsedMs) * 1000,
    latenciesMs,
    drainLoopMsPerRequest: drainLoop.active / count,
  };
}

/**
 * Runs `body` against a fresh ledger of `kind` (a temporary directory; a PostgreSQL schema of its
 * own, dropped afterwards), once unmeasured to warm up and then `runs` times, collecting the results.
 */
async function runFresh<T>(
  kind: 'off' | 'sqlite' | 'postgres',
  runs: number,
  body: (config: LedgerConfig, warmUp: boolean) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let run = -1; run < runs; run += 1) {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-ledger-'));
    const schema = `bench_ledger_${randomBytes(4).toString('hex')}`;
    const config: LedgerConfig =
      kind === 'off'
        ? { kind }
        : kind === 'sqlite'
          ? { kind, path: join(directory, 'ledger.db') }
          : { kind, url: POSTGRES_URL, journalDir: join(directory, 'journal'), schema };
    try {
      const result = await body(config, run < 0);
      if (run >= 0) results.push(result);
    } finally {
      if (kind === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
      rmSync(directory, { recursive: true, force: true });
    }
  }
  return results;
}

function benchStore(kind: 'sqlite' | 'postgres'): Promise<RunResult[]> {
  // The warm-up run (JIT, connection pool, file system) is shorter and not counted.
  return runFresh(kind, RUNS, (config, warmUp) => runOnce(config, warmUp ? Math.min(REQUESTS, 1000) : REQUESTS));
}

function summarise(kind: string, results: RunResult[]): string[] {
  const all = results.flatMap((result) => result.latenciesMs).sort((left, right) => left - right);
  const perRun = results.map((result) => Math.round(result.requestsPerSecond).toLocaleString('en-US')).join(' / ');
  return [
    kind,
    Math.round(median(results.map((result) => result.requestsPerSecond))).toLocaleString('en-US'),
    `${(percentile(all, 0.5) * 1000).toFixed(1)} µs`,
    `${(percentile(all, 0.99) * 1000).toFixed(1)} µs`,
    `${(percentile(all, 0.999) * 1000).toFixed(1)} µs`,
    `${(median(results.map((result) => result.drainLoopMsPerRequest)) * 1000).toFixed(1)} µs`,
    perRun,
  ];
}

interface PacedResult {
  requests: number;
  /** Process CPU (user + system, every thread) per request, in microseconds. */
  cpuUsPerRequest: number;
  /** Event-loop busy time per request, in microseconds. */
  loopUsPerRequest: number;
}

/**
 * Records requests at `RATE` per second for `PACED_SECONDS` (as many as are due at each 1 ms tick,
 * so the drain sees the batches a gateway at that rate would give it), then flushes; CPU and
 * event-loop time are measured from the first record until the store has every row.
 */
async function runPaced(config: LedgerConfig): Promise<PacedResult> {
  const ledger = await createLedger(config, { logger: silent });
  const total = Math.round(RATE * PACED_SECONDS);
  const requests = Array.from({ length: total }, (_, index) =>
    sampleRequest({ startedAt: Date.UTC(2026, 6, 1) + index * 10, tenant: `tenant-${index % 7}` }),
  );
  const cpuBefore = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const started = performance.now();
  let recorded = 0;
  while (recorded < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * RATE) / 1000));
    for (; recorded < due; recorded += 1) {
      const request = requests[recorded]!;
      ledger.recordRequest(request, [sampleAttempt(request)]);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await ledger.flush();
  const loop = performance.eventLoopUtilization(loopBefore);
  const cpu = process.cpuUsage(cpuBefore);
  if (config.kind !== 'off') {
    const stored = (await ledger.queryUsage({ from: 0, to: Date.UTC(2100, 0, 1), groupBy: [] })).totals.requests;
    if (stored !== total) throw new Error(`${config.kind}: expected ${total} rows, found ${stored}`);
  }
  await ledger.close();
  return {
    requests: total,
    cpuUsPerRequest: (cpu.user + cpu.system) / total,
    loopUsPerRequest: (loop.active * 1000) / total,
  };
}

function benchPaced(kind: 'off' | 'sqlite' | 'postgres'): Promise<PacedResult[]> {
  return runFresh(kind, Math.min(RUNS, 3), (config) => runPaced(config));
}

async function benchScan(rows: number): Promise<void> {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-bench-scan-'));
  const store = new SqliteLedgerStore({ path: join(directory, 'ledger.db') });
  const end = Date.UTC(2026, 7, 1);
  const span = 30 * 86_400_000;
  try {
    const fillStarted = performance.now();
    for (let start = 0; start < rows; start += 5000) {
      const entries: LedgerEntry[] = [];
      for (let index = start; index < Math.min(rows, start + 5000); index += 1) {
        const request = sampleRequest({
          startedAt: end - span + Math.floor((index * span) / rows),
          tenant: `tenant-${index % 50}`,
          feature: `feature-${index % 7}`,
          keyId: `key-${index % 200}`,
          model: ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'claude-haiku', 'deepseek-chat'][index % 5]!,
          costUsd: (index % 100) / 100_000,
        });
        entries.push({ kind: 'request', request, attempts: [sampleAttempt(request)] });
      }
      store.writeSync(entries);
    }
    console.log(
      `\nfilled ${rows.toLocaleString('en-US')} rows in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`,
    );
    for (const groupBy of [['model'], ['tenant', 'model'], ['day'], ['key']] as const) {
      const timings: number[] = [];
      for (let run = 0; run < 3; run += 1) {
        const started = performance.now();
        await queryUsage(store, { from: end - span, to: end, groupBy: [...groupBy] });
        timings.push(performance.now() - started);
      }
      console.log(`30-day report by ${groupBy.join(',').padEnd(13)} median ${median(timings).toFixed(0)} ms (3 runs)`);
    }
    const started = performance.now();
    await queryUsage(store, { from: end - 86_400_000, to: end, groupBy: ['model'] });
    console.log(`last-24h report by model     ${(performance.now() - started).toFixed(0)} ms`);
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

console.log(`$ npm run bench:ledger -- --requests ${REQUESTS} --runs ${RUNS} --scan-rows ${SCAN_ROWS}`);
console.log(
  `node ${process.version}, ${REQUESTS.toLocaleString('en-US')} requests (1 attempt each) per run, ${RUNS} runs + 1 warm-up`,
);
const sqlite = await benchStore('sqlite');
const postgres = await benchStore('postgres');
const table = [
  ['store', 'requests/s (median)', 'recordRequest p50', 'p99', 'p99.9', 'drain on loop', 'requests/s per run'],
  summarise('sqlite', sqlite),
  summarise('postgres', postgres),
];
const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
console.log(
  '\nrequests/s: from the first recordRequest until flush() resolved and the rows were counted in the store.',
);
console.log(
  'recordRequest: the synchronous call on the request path (one journal line written with writeSync; both stores).',
);

console.log(
  `\nCPU per request at ${RATE.toLocaleString('en-US')} requests/s for ${PACED_SECONDS} s (medians of ${Math.min(RUNS, 3)} runs after a warm-up; process CPU, all threads; minus the same loop with the ledger off)`,
);
const off = await benchPaced('off');
const offCpu = median(off.map((result) => result.cpuUsPerRequest));
const offLoop = median(off.map((result) => result.loopUsPerRequest));
console.log(`off (the pacing loop)  CPU ${offCpu.toFixed(1)} µs/request  event loop ${offLoop.toFixed(1)} µs/request`);
for (const kind of ['sqlite', 'postgres'] as const) {
  const results = await benchPaced(kind);
  const cpu = median(results.map((result) => result.cpuUsPerRequest));
  const loop = median(results.map((result) => result.loopUsPerRequest));
  console.log(
    `${kind.padEnd(8)} ledger adds  CPU ${(cpu - offCpu).toFixed(1)} µs/request  event loop ${(loop - offLoop).toFixed(1)} µs/request  (runs: ${results.map((result) => (result.cpuUsPerRequest - offCpu).toFixed(0)).join(' / ')} µs)`,
  );
}
if (SCAN_ROWS > 0) await benchScan(SCAN_ROWS);
