// Issue 9, item 3: batch spend at batch prices in the ledger and in `tollgate report`, with the
// saving against live prices, checked against the bundled catalogue's prices on SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import OpenAI, { toFile } from 'openai';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import {
  assertPostgresReachable,
  createTestTarget,
  TEST_POSTGRES_URL,
  type TestTarget,
} from '../../src/ledger/__fixtures__/test-targets.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import type { RequestRecord } from '../../src/ledger/ledger-record.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { lookupCatalogueEntry } from '../../src/pricing/price-catalogue.js';
import { runReportCommand } from '../../src/report/run-report-command.js';
import { twoProtocolConfig } from '../support/start-test-gateway.js';
import { waitFor } from './start-batch-gateway.js';

const DAY_MS = 86_400_000;
const silent = { warn() {}, error() {} };

/** Two cloud providers with batch APIs (as in provider-batches.test.ts) and a local one without. */
function config(): Record<string, unknown> {
  const base = twoProtocolConfig({
    baseline: 'sim-anthropic/an-small',
    batch: { poll_interval_ms: 30, provider_batches: { poll_interval_ms: 30, simulated_completion_ms: 100 } },
  });
  const providers = base.providers as Record<string, unknown>[];
  const tiers = base.tiers as Record<string, unknown>;
  return {
    ...base,
    providers: [
      ...providers,
      {
        name: 'sim-local',
        kind: 'simulated',
        location: 'local',
        simulation: { protocol: 'openai', ttft_ms: 0 },
        models: [{ name: 'lo-small', price_as: 'gpt-5.4-nano' }],
      },
    ],
    tiers: { ...tiers, local: { deployments: ['sim-local/lo-small'] } },
  };
}

function chatLine(customId: string, model: string, content: string): string {
  return JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model, messages: [{ role: 'user', content }], max_tokens: 24 },
  });
}

/** Live and batch prices per token from the bundled catalogue, as a user would read them. */
function cataloguePrices(model: string) {
  const entry = lookupCatalogueEntry(model)?.entry;
  assert.ok(entry, `${model} is in the catalogue`);
  // OpenAI lists batch prices; Anthropic documents 50% off and lists none.
  return {
    input: entry.input,
    output: entry.output,
    batchInput: entry.batchInput ?? entry.input / 2,
    batchOutput: entry.batchOutput ?? entry.output / 2,
  };
}

const PRICED_AS: Record<string, string> = { 'sim-openai': 'gpt-5.4-nano', 'sim-anthropic': 'claude-haiku-4-5' };

/** What a provider batch line costs at live and at batch prices, from its recorded tokens. */
function expectedCosts(row: RequestRecord): { live: number; batch: number } {
  // Simulated answers read no prompt cache, so every input token is billed at the input price.
  assert.equal(row.cacheReadInputTokens + row.cacheWriteInputTokens, 0);
  const prices = cataloguePrices(PRICED_AS[row.provider ?? ''] ?? '');
  return {
    live: row.uncachedInputTokens * prices.input + row.outputTokens * prices.output,
    batch: row.uncachedInputTokens * prices.batchInput + row.outputTokens * prices.batchOutput,
  };
}

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: expected ${expected}, got ${actual}`);
}

function capture() {
  let text = '';
  return {
    isTTY: false,
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
  assert.equal(code, 0, stderr.text);
  return stdout.text;
}

interface ReportJson {
  rows: { group: { provider: string | null }; batchRequests: number; batchCostUsd: number; batchSavingUsd: number }[];
  totals: { requests: number; costUsd: number; batchRequests: number; batchCostUsd: number; batchSavingUsd: number };
}

interface Expected {
  batchRequests: number;
  batchCostUsd: number;
  batchSavingUsd: number;
  /** Per provider: batch cost and saving. */
  byProvider: Map<string, { cost: number; saving: number }>;
}

/**
 * Runs one batch (two lines to OpenAI's batch API, one to Anthropic's, one to a local endpoint the
 * gateway runs itself), one single batch-priority request and one interactive request, then works
 * out from the ledger rows and the catalogue what the report must say.
 */
async function runTraffic(gateway: Gateway, ledger: Ledger, url: string): Promise<Expected> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
  const input = [
    chatLine('openai-1', 'fast', 'Name three rivers in Europe.'),
    chatLine('openai-2', 'fast', 'What is two plus two?'),
    chatLine('anthropic-1', 'premium', 'Write a haiku about autumn.'),
    chatLine('local-1', 'local', 'Answered by the gateway itself.'),
  ].join('\n');
  const file = await client.files.create({ file: await toFile(Buffer.from(input), 's.jsonl'), purpose: 'batch' });
  const created = await client.batches.create({
    input_file_id: file.id,
    endpoint: '/v1/chat/completions',
    completion_window: '24h',
  });
  const single = await client.chat.completions
    .create(
      { model: 'premium', messages: [{ role: 'user', content: 'One batch-priority request.' }], max_tokens: 16 },
      { headers: { 'x-tollgate-priority': 'batch' } },
    )
    .withResponse();
  await client.chat.completions.create({
    model: 'fast',
    messages: [{ role: 'user', content: 'An interactive request.' }],
    max_tokens: 16,
  });
  const batch = await waitFor(
    () => client.batches.retrieve(created.id),
    (current) => current.status === 'completed',
    { what: 'the batch to complete' },
  );
  assert.deepEqual(batch.request_counts, { total: 4, completed: 4, failed: 0 });
  const results = (await (await client.files.content(batch.output_file_id as string)).text())
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { custom_id: string; response: { request_id: string } });
  await ledger.flush();
  assert.ok(gateway.batch, 'the batch lane is mounted');

  const expected: Expected = { batchRequests: 0, batchCostUsd: 0, batchSavingUsd: 0, byProvider: new Map() };
  const add = (provider: string, cost: number, saving: number) => {
    const sums = expected.byProvider.get(provider) ?? { cost: 0, saving: 0 };
    sums.cost += cost;
    sums.saving += saving;
    expected.byProvider.set(provider, sums);
    expected.batchRequests += 1;
    expected.batchCostUsd += cost;
    expected.batchSavingUsd += saving;
  };
  for (const result of results) {
    const detail = await ledger.requestDetail(result.response.request_id);
    assert.ok(detail, `a ledger row for ${result.custom_id}`);
    const row = detail.request;
    assert.equal(row.batch, true);
    if (result.custom_id === 'local-1') {
      // Run by the gateway through the live path: charged at live prices, nothing saved.
      assert.equal(row.provider, 'sim-local');
      assert.ok(row.costUsd > 0);
      assert.equal(row.liveCostUsd, row.costUsd);
      add('sim-local', row.costUsd, 0);
      continue;
    }
    const costs = expectedCosts(row);
    assertClose(row.costUsd, costs.batch, `${result.custom_id} charged at batch prices`);
    assertClose(row.liveCostUsd ?? Number.NaN, costs.live, `${result.custom_id} live-price cost`);
    assert.ok(costs.live > costs.batch);
    add(row.provider ?? '', costs.batch, costs.live - costs.batch);
  }
  const singleId = single.response.headers.get('x-tollgate-request-id') as string;
  const singleRow = (await ledger.requestDetail(singleId))?.request;
  assert.ok(singleRow);
  assert.equal(singleRow.batch, true);
  assert.equal(singleRow.liveCostUsd, singleRow.costUsd, 'a single batch-priority request runs at live prices');
  add(singleRow.provider ?? '', singleRow.costUsd, 0);
  return expected;
}

/** Checks the three output formats of `tollgate report --by provider` against the expectation. */
async function assertReport(ledgerArgs: string[], expected: Expected): Promise<void> {
  const now = Date.now();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  // Today as a whole UTC day: read from the daily rollup. The last hour: read from the requests.
  const ranges = [
    ['--from', new Date(today).toISOString(), '--to', new Date(today + DAY_MS).toISOString()],
    ['--from', new Date(now - 3_600_000).toISOString(), '--to', new Date(now + 60_000).toISOString()],
  ];
  for (const range of ranges) {
    const json = JSON.parse(
      await report([...ledgerArgs, ...range, '--by', 'provider', '--format', 'json']),
    ) as ReportJson;
    assert.equal(json.totals.requests, expected.batchRequests + 1, 'the interactive request counts too');
    assert.equal(json.totals.batchRequests, expected.batchRequests);
    assertClose(json.totals.batchCostUsd, expected.batchCostUsd, 'batch cost');
    assertClose(json.totals.batchSavingUsd, expected.batchSavingUsd, 'batch saving');
    assert.ok(json.totals.batchSavingUsd > 0);
    for (const [provider, sums] of expected.byProvider) {
      const row = json.rows.find((candidate) => candidate.group.provider === provider);
      assert.ok(row, `a report row for ${provider}`);
      assertClose(row.batchCostUsd, sums.cost, `${provider} batch cost`);
      assertClose(row.batchSavingUsd, sums.saving, `${provider} batch saving`);
    }
  }
  const [wholeDay] = ranges;
  const csv = parse(await report([...ledgerArgs, ...(wholeDay ?? []), '--by', 'provider', '--format', 'csv']), {
    columns: true,
  }) as Record<string, string>[];
  for (const [provider, sums] of expected.byProvider) {
    const row = csv.find((candidate) => candidate.provider === provider);
    assert.ok(row, `a CSV row for ${provider}`);
    assertClose(Number(row.batch_cost_usd), sums.cost, `${provider} CSV batch cost`);
    assertClose(Number(row.batch_saving_usd), sums.saving, `${provider} CSV batch saving`);
  }
  const table = await report([...ledgerArgs, ...(wholeDay ?? []), '--by', 'provider']);
  const header = table.split('\n').find((line) => line.startsWith('provider'));
  assert.ok(header?.includes('batch $') && header.includes('batch saved $'), table);
  const saving = expected.batchSavingUsd;
  const batchLine = table.split('\n').find((line) => line.startsWith('batch:'));
  assert.ok(batchLine, table);
  assert.match(batchLine, new RegExp(`^batch: ${expected.batchRequests} requests spent \\$`));
  const amounts = [...batchLine.matchAll(/\$([\d,.]+)/g)].map((match) => Number(match[1]?.replaceAll(',', '')));
  assert.equal(amounts.length, 3, batchLine);
  // The line rounds to what a reader needs (6 decimals below a cent): compare at that precision.
  assert.ok(Math.abs((amounts[2] ?? 0) - saving) < 1e-6, `${batchLine} shows the saving ${saving}`);
  assert.ok(Math.abs((amounts[1] ?? 0) - (expected.batchCostUsd + saving)) < 1e-6, batchLine);
}

describe('batch spend and its saving against live prices, in the ledger and in tollgate report', () => {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`on a ${kind} ledger`, () => {
      let target: TestTarget;
      let directory: string;
      let ledger: Ledger;
      let gateway: Gateway;
      let url: string;
      before(async () => {
        if (kind === 'postgres') await assertPostgresReachable();
        target = createTestTarget(kind);
        directory = mkdtempSync(join(tmpdir(), 'tollgate-batch-saving-'));
        ledger = await createLedger(target.config, { logger: silent });
        gateway = await createGateway({
          environment: {},
          logger: createLogger({ level: 'silent' }),
          simulation: { sleep: async () => {} },
          config: config(),
          ledger,
          batch: { store: { kind: 'sqlite', path: join(directory, 'batches.db') } },
        });
        url = await gateway.listen({ host: '127.0.0.1', port: 0 });
      });
      after(async () => {
        await gateway?.close();
        await ledger?.close();
        await target?.cleanup();
        if (directory) rmSync(directory, { recursive: true, force: true });
      });

      it('records each provider batch line at batch prices with its live-price cost, and reports the saving', async () => {
        const expected = await runTraffic(gateway, ledger, url);
        assert.deepEqual(
          [...expected.byProvider.keys()].sort(),
          ['sim-anthropic', 'sim-local', 'sim-openai'],
          'lines went to both batch APIs and through the gateway',
        );
        // The admin API answers with the same report rows (no master key configured: open).
        const admin = await fetch(
          `${url}/admin/usage?by=provider&from=${Date.now() - 3_600_000}&to=${Date.now() + 60_000}`,
        );
        assert.equal(admin.status, 200);
        const usage = (await admin.json()) as ReportJson;
        assertClose(usage.totals.batchCostUsd, expected.batchCostUsd, '/admin/usage batch cost');
        assertClose(usage.totals.batchSavingUsd, expected.batchSavingUsd, '/admin/usage batch saving');
        if (target.config.kind === 'sqlite') {
          await assertReport(['--ledger', `sqlite:${target.config.path}`], expected);
          return;
        }
        if (target.config.kind !== 'postgres') throw new Error('expected a postgres target');
        const schemaOption = encodeURIComponent(`-c search_path=${target.config.schema}`);
        process.env.TOLLGATE_BATCH_SAVING_TEST_URL = `${TEST_POSTGRES_URL}?options=${schemaOption}`;
        try {
          await assertReport(['--postgres-url-env', 'TOLLGATE_BATCH_SAVING_TEST_URL'], expected);
        } finally {
          delete process.env.TOLLGATE_BATCH_SAVING_TEST_URL;
        }
      });
    });
  }
});
