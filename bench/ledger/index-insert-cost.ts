// node --import tsx bench/ledger/index-insert-cost.ts [-- --requests N --batch B --rounds R]
//
// What each secondary index of `ledger_requests` costs the write path: CPU time per request of
// SQLite inserts (request, attempt, rollup upsert; `writeSync`, batches of --batch as the journal
// drain writes them) into a fresh ledger with all indexes, and with some dropped first. Rows carry
// 50 tenants, 7 features, 200 keys and 5 models: an index whose column has many values interleaved
// dirties about one page per request, a low-cardinality one a few pages per transaction.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { sampleAttempt, sampleRequest } from '../../src/ledger/__fixtures__/sample-records.js';
import type { LedgerEntry } from '../../src/ledger/ledger-store.js';
import { SqliteLedgerStore } from '../../src/ledger/sqlite-ledger-store.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '60000' },
    batch: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
  },
});
const REQUESTS = Number(values.requests);
const BATCH = Number(values.batch);
const ROUNDS = Number(values.rounds);
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet', 'claude-haiku', 'deepseek-chat'];
/** Indexes dropped before inserting (suffixes of `ledger_requests_…`). */
const VARIANTS: Record<string, string[]> = {
  'all six': [],
  'without provider': ['provider'],
  'without feature': ['feature'],
  'without model': ['model'],
  'without tenant': ['tenant'],
  'without key': ['key'],
  'started_at only': ['provider', 'feature', 'model', 'tenant', 'key'],
};

function batches(): LedgerEntry[][] {
  const all: LedgerEntry[][] = [];
  for (let start = 0; start < REQUESTS; start += BATCH) {
    const entries: LedgerEntry[] = [];
    for (let index = start; index < Math.min(REQUESTS, start + BATCH); index += 1) {
      const model = MODELS[index % MODELS.length] as string;
      const request = sampleRequest({
        startedAt: Date.UTC(2026, 6, 1) + index * 50,
        tenant: `tenant-${index % 50}`,
        feature: `feature-${index % 7}`,
        keyId: `key-${(index * 7919) % 200}`,
        provider: model.startsWith('claude') ? 'anthropic' : model.startsWith('deepseek') ? 'deepseek' : 'openai',
        model,
      });
      entries.push({ kind: 'request', request, attempts: [sampleAttempt(request)] });
    }
    all.push(entries);
  }
  return all;
}

/** CPU µs per request of writing every batch into a fresh ledger without the `drop` indexes. */
async function measure(drop: readonly string[]): Promise<number> {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-index-cost-'));
  const path = join(directory, 'ledger.db');
  const store = new SqliteLedgerStore({ path });
  try {
    const database = new Database(path);
    for (const suffix of drop) database.exec(`DROP INDEX ledger_requests_${suffix}`);
    database.close();
    const work = batches();
    const before = process.cpuUsage();
    for (const entries of work) store.writeSync(entries);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / REQUESTS;
  } finally {
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

console.log(
  `$ node --import tsx bench/ledger/index-insert-cost.ts --requests ${REQUESTS} --batch ${BATCH} --rounds ${ROUNDS}`,
);
const results = new Map<string, number[]>();
// Rounds interleave the variants, so that a change in the machine's load hits them all alike.
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, drop] of Object.entries(VARIANTS)) {
    results.set(name, [...(results.get(name) ?? []), await measure(drop)]);
  }
}
const all = results.get('all six') ?? [];
const median = (numbers: number[]) =>
  [...numbers].sort((left, right) => left - right)[Math.floor(numbers.length / 2)] ?? 0;
for (const [name, timings] of results) {
  const saved = median(all) - median(timings);
  console.log(
    `${name.padEnd(18)} ${median(timings).toFixed(1).padStart(6)} µs CPU/request (median of ${timings.map((value) => value.toFixed(0)).join(' / ')})${name === 'all six' ? '' : `  saves ${saved.toFixed(1)}`}`,
  );
}
