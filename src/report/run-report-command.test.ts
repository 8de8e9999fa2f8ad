import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { createVersion2Ledger } from '../ledger/__fixtures__/create-version-2-ledger.js';
import { sampleRequest } from '../ledger/__fixtures__/sample-records.js';
import {
  assertPostgresReachable,
  createRecordingLogger,
  createTestTarget,
  TEST_POSTGRES_URL,
} from '../ledger/__fixtures__/test-targets.js';
import { createLedger } from '../ledger/create-ledger.js';
import type { Ledger } from '../ledger/ledger.js';
import { createProgressReporter } from './create-progress-reporter.js';
import { runReportCommand } from './run-report-command.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 6, 1);
let directory: string;
let ledgerPath: string;

function requests() {
  return [
    sampleRequest({
      requestId: 'a',
      tenant: 'acme',
      model: 'gpt-4o-mini',
      startedAt: T0 + 1000,
      uncachedInputTokens: 1000,
      cacheReadInputTokens: 3000,
      outputTokens: 200,
      costUsd: 0.25,
      counterfactualCostUsd: 1,
    }),
    sampleRequest({
      requestId: 'b',
      tenant: 'acme',
      model: 'claude-sonnet',
      startedAt: T0 + DAY,
      uncachedInputTokens: 2000,
      outputTokens: 500,
      costUsd: 0.5,
      counterfactualCostUsd: 1,
    }),
    sampleRequest({
      requestId: 'c',
      tenant: 'globex, inc.',
      model: 'gpt-4o-mini',
      startedAt: T0 + DAY + 5,
      cacheStatus: 'hit-exact',
      uncachedInputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
      counterfactualCostUsd: 2,
    }),
  ];
}

async function fillLedger(ledger: Ledger): Promise<void> {
  for (const request of requests()) ledger.recordRequest(request, []);
  await ledger.flush();
}

function capture(isTTY = false) {
  let text = '';
  return {
    isTTY,
    write(chunk: string) {
      text += chunk;
      return true;
    },
    get text() {
      return text;
    },
  };
}

async function report(argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runReportCommand(argv, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const RANGE = ['--from', '2026-07-01', '--to', '2026-07-03'];

before(async () => {
  directory = mkdtempSync(join(tmpdir(), 'tollgate-report-'));
  ledgerPath = join(directory, 'ledger.db');
  const ledger = await createLedger({ kind: 'sqlite', path: ledgerPath }, { logger: createRecordingLogger() });
  await fillLedger(ledger);
  await ledger.close();
});
after(() => rmSync(directory, { recursive: true, force: true }));

test('the table has every column, aligned rows, a total and the savings line', async () => {
  const { code, stdout, stderr } = await report(['--ledger', `sqlite:${ledgerPath}`, ...RANGE, '--by', 'tenant,model']);
  assert.equal(code, 0, stderr);
  const lines = stdout.split('\n');
  const header = lines.find((line) => line.startsWith('tenant'));
  assert.ok(header, stdout);
  for (const title of [
    'model',
    'requests',
    'uncached in',
    'cache read',
    'cache write',
    'output',
    'reasoning',
    'cache hits',
    'errors',
    'cost $',
    'baseline $',
    'saved $',
    'saved',
  ]) {
    assert.ok(header.includes(title), `missing column ${title} in ${header}`);
  }
  const rowLines = lines.filter((line) => /^(acme|globex)/.test(line));
  assert.equal(rowLines.length, 3);
  // Figures are right-aligned: every row ends at the header's last column.
  assert.ok(
    rowLines.every((line) => line.length === header.length),
    stdout,
  );
  assert.match(
    stdout,
    /^total\s+3\s+3,000\s+3,000\s+0\s+700\s+0\s+33\.3%\s+0\s+0\.7500\s+4\.0000\s+3\.2500\s+81\.3%$/m,
  );
  assert.match(stdout, /spent \$0\.75, would have spent \$4\.00 \(saved 81\.3%\)/);
  assert.equal(stderr, '', 'a quick scan shows no progress');
});

test('CSV has a header and parses to the same figures; JSON parses to the report', async () => {
  const csv = await report(['--ledger', ledgerPath, ...RANGE, '--by', 'tenant', '--format', 'csv']);
  assert.equal(csv.code, 0, csv.stderr);
  const records = parse(csv.stdout, { columns: true }) as Record<string, string>[];
  assert.deepEqual(
    records.map((record) => [record.tenant, record.requests, record.cost_usd, record.savings_usd]),
    [
      ['acme', '2', '0.75', '1.25'],
      ['globex, inc.', '1', '0', '2'],
    ],
  );
  assert.ok('cache_read_input_tokens' in (records[0] ?? {}));

  const json = await report(['--ledger', ledgerPath, ...RANGE, '--by', 'day', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout) as {
    from: string;
    rows: { group: { day: string }; requests: number }[];
    totals: { costUsd: number };
  };
  assert.equal(parsed.from, '2026-07-01T00:00:00.000Z');
  assert.deepEqual(
    parsed.rows.map((row) => [row.group.day, row.requests]),
    [
      ['2026-07-01', 1],
      ['2026-07-02', 2],
    ],
  );
  assert.equal(parsed.totals.costUsd, 0.75);
});

test('wrong arguments exit 2 with the reason, a missing ledger exits 1', async () => {
  const unknown = await report(['--ledger', ledgerPath, '--by', 'colour']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown dimension "colour"/);
  const badDate = await report(['--ledger', ledgerPath, '--from', 'yesterday']);
  assert.equal(badDate.code, 2);
  assert.match(badDate.stderr, /not an ISO date/);
  const badFlag = await report(['--colour']);
  assert.equal(badFlag.code, 2);
  const missing = await report(['--ledger', join(directory, 'nothing-here.db')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no ledger at/);
  const help = await report(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--postgres-url-env/);
});

test('the report reads a PostgreSQL ledger through --postgres-url-env', async () => {
  await assertPostgresReachable();
  const target = createTestTarget('postgres');
  try {
    const ledger = await createLedger(target.config, { logger: createRecordingLogger() });
    await fillLedger(ledger);
    await ledger.close();
    if (target.config.kind !== 'postgres') throw new Error('expected a postgres target');
    const schemaOption = encodeURIComponent(`-c search_path=${target.config.schema}`);
    process.env.TOLLGATE_REPORT_TEST_URL = `${TEST_POSTGRES_URL}?options=${schemaOption}`;
    const result = await report(['--postgres-url-env', 'TOLLGATE_REPORT_TEST_URL', ...RANGE, '--format', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { totals: { requests: number; counterfactualCostUsd: number } };
    assert.equal(parsed.totals.requests, 3);
    assert.equal(parsed.totals.counterfactualCostUsd, 4);
  } finally {
    delete process.env.TOLLGATE_REPORT_TEST_URL;
    await target.cleanup();
  }
});

for (const kind of ['sqlite', 'postgres'] as const) {
  test(`a ${kind} ledger written at schema version 2 is migrated by the report and reports batch spend`, async () => {
    if (kind === 'postgres') await assertPostgresReachable();
    const target = createTestTarget(kind);
    try {
      await createVersion2Ledger(target, [
        ...requests(),
        sampleRequest({ requestId: 'old-batch', startedAt: T0 + 2000, batch: true, tenant: 'acme', costUsd: 0.5 }),
      ]);
      let ledgerArgs: string[];
      if (target.config.kind === 'sqlite') ledgerArgs = ['--ledger', `sqlite:${target.config.path}`];
      else if (target.config.kind === 'postgres') {
        const schemaOption = encodeURIComponent(`-c search_path=${target.config.schema}`);
        process.env.TOLLGATE_REPORT_TEST_URL = `${TEST_POSTGRES_URL}?options=${schemaOption}`;
        ledgerArgs = ['--postgres-url-env', 'TOLLGATE_REPORT_TEST_URL'];
      } else throw new Error('expected a sqlite or postgres target');
      const json = await report([...ledgerArgs, ...RANGE, '--by', 'tenant', '--format', 'json']);
      assert.equal(json.code, 0, json.stderr);
      const parsed = JSON.parse(json.stdout) as {
        rows: {
          group: { tenant: string };
          requests: number;
          costUsd: number;
          batchCostUsd: number;
          batchSavingUsd: number;
        }[];
      };
      // The batch row's live price was never recorded: it is batch spend that saved nothing.
      assert.deepEqual(
        parsed.rows.map((row) => [row.group.tenant, row.requests, row.costUsd, row.batchCostUsd, row.batchSavingUsd]),
        [
          ['acme', 3, 1.25, 0.5, 0],
          ['globex, inc.', 1, 0, 0, 0],
        ],
      );
      const table = await report([...ledgerArgs, ...RANGE, '--by', 'tenant']);
      assert.equal(table.code, 0, table.stderr);
      assert.match(table.stdout, /^batch: 1 requests spent \$0\.50, \$0\.50 at live prices \(saved \$0\.00\)$/m);
    } finally {
      delete process.env.TOLLGATE_REPORT_TEST_URL;
      await target.cleanup();
    }
  });
}

test('progress appears only after a second: redrawn on a terminal, stepped in a log', () => {
  let clock = 0;
  const terminal = capture(true);
  const onTerminal = createProgressReporter({ output: terminal, label: 'scanning ledger', now: () => clock });
  onTerminal.update(0.2);
  assert.equal(terminal.text, '', 'quiet during the first second');
  clock = 1500;
  onTerminal.update(0.45);
  onTerminal.update(0.5);
  onTerminal.finish();
  assert.equal(terminal.text, '\rscanning ledger… 45%\rscanning ledger… 50%\r\x1b[K');

  clock = 0;
  const log = capture(false);
  const onLog = createProgressReporter({ output: log, label: 'scanning ledger', now: () => clock });
  clock = 2000;
  for (const done of [0.05, 0.07, 0.15, 0.55, 1]) onLog.update(done);
  onLog.finish();
  assert.equal(log.text, 'scanning ledger… 5%\nscanning ledger… 15%\nscanning ledger… 55%\nscanning ledger… 100%\n');
});
