import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import type { BatchJob, BatchLineInput, LineResult, StoredFile } from './batch-records.js';
import type { BatchStore } from './batch-store.js';
import { type BatchStoreTarget, openBatchStore } from './open-batch-store.js';

const POSTGRES_URL =
  process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://tollgate:tollgate@127.0.0.1:5432/tollgate_test';

function job(id: string, createdAt: number): BatchJob {
  return {
    id,
    api: 'openai',
    endpoint: '/v1/chat/completions',
    inputFileId: 'file-input',
    completionWindow: '24h',
    status: 'in_progress',
    owner: undefined,
    metadata: { purpose: 'test' },
    caller: { credential: 'none', headers: { 'x-tollgate-tenant': 'acme' } },
    createdAt,
    inProgressAt: createdAt,
    finalizingAt: undefined,
    completedAt: undefined,
    failedAt: undefined,
    expiredAt: undefined,
    cancellingAt: undefined,
    cancelledAt: undefined,
    expiresAt: createdAt + 86_400_000,
    outputFileId: undefined,
    errorFileId: undefined,
    errors: undefined,
  };
}

function lines(count: number): BatchLineInput[] {
  return Array.from({ length: count }, (_, index) =>
    index === 2
      ? { index, customId: undefined, body: undefined, inputError: { code: 'invalid_json_line', message: 'bad' } }
      : { index, customId: `req-${index}`, body: JSON.stringify({ model: 'm', n: index }), inputError: undefined },
  );
}

function success(requestId: string): LineResult {
  return {
    outcome: 'succeeded',
    statusCode: 200,
    requestId,
    responseBody: '{"ok":true}',
    error: undefined,
    costUsd: 0.001,
    liveCostUsd: 0.002,
    tokens: { input: 10, cached: 2, output: 5, reasoning: 0 },
  };
}

function outputFile(id: string, batchId: string, kind: 'output' | 'error'): StoredFile {
  return {
    id,
    createdAt: 5,
    filename: `${batchId}_${kind}.jsonl`,
    purpose: 'batch_output',
    bytes: 10,
    owner: undefined,
    lineCount: 1,
    sourceBatchId: batchId,
    sourceKind: kind,
  };
}

async function exercise(store: BatchStore): Promise<void> {
  const upload: StoredFile = {
    id: 'file-input',
    createdAt: 1,
    filename: 'in.jsonl',
    purpose: 'batch',
    bytes: 3,
    owner: 'acme',
    lineCount: 1,
    sourceBatchId: undefined,
    sourceKind: undefined,
  };
  await store.createFile(upload, Buffer.from('{}\n'));
  assert.deepEqual(await store.getFile('file-input'), upload);
  assert.equal((await store.readFileContent('file-input'))?.toString(), '{}\n');

  await store.createJob(job('batch_a', 100), lines(5));
  await store.createJob(job('batch_b', 200), lines(3));
  // Lines run only once planned: here, all through the gateway.
  assert.equal((await store.pendingLines({ batchId: 'batch_a', now: 0, limit: 10 })).length, 0);
  await store.submissions.assignUnplanned({ batchId: 'batch_a', lane: 'gateway' });
  const stored = await store.getJob('batch_a');
  assert.equal(stored?.caller.headers['x-tollgate-tenant'], 'acme');
  assert.deepEqual(stored?.metadata, { purpose: 'test' });
  assert.deepEqual(await store.countLines('batch_a'), {
    total: 5,
    pending: 4,
    succeeded: 0,
    errored: 1,
    canceled: 0,
    expired: 0,
  });

  // One owner holds the lease; another cannot take it until it lapses.
  assert.deepEqual(
    (await store.claimJobs({ owner: 'one', now: 1_000, leaseMs: 500 })).map((claimed) => claimed.id),
    ['batch_a', 'batch_b'],
  );
  assert.equal((await store.claimJobs({ owner: 'two', now: 1_200, leaseMs: 500 })).length, 0);
  assert.equal((await store.claimJobs({ owner: 'two', now: 1_600, leaseMs: 500 })).length, 2);

  const pending = await store.pendingLines({ batchId: 'batch_a', now: 0, limit: 10 });
  assert.deepEqual(
    pending.map((line) => line.customId),
    ['req-0', 'req-1', 'req-3', 'req-4'],
  );
  assert.equal(await store.recordResult({ batchId: 'batch_a', index: 0, result: success('r0'), at: 10 }), true);
  // A second result for the same line is refused: one result per line, ever.
  assert.equal(await store.recordResult({ batchId: 'batch_a', index: 0, result: success('again'), at: 11 }), false);
  await store.scheduleRetry({ batchId: 'batch_a', index: 1, attempt: 1, failures: 1, notBefore: 5_000 });
  assert.deepEqual(
    (await store.pendingLines({ batchId: 'batch_a', now: 4_999, limit: 10 })).map((line) => line.index),
    [3, 4],
  );
  const retried = (await store.pendingLines({ batchId: 'batch_a', now: 5_000, limit: 10 }))[0];
  assert.equal(retried?.attempt, 1);
  assert.equal(retried?.failures, 1);

  const usage = await store.usage('batch_a');
  assert.equal(usage.costUsd, 0.001);
  assert.equal(usage.liveCostUsd, 0.002);
  assert.equal(usage.inputTokens, 10);

  const finished = await store.finishJob({
    id: 'batch_a',
    from: ['in_progress', 'cancelling'],
    status: 'cancelled',
    timestamp: 'cancelled_at',
    at: 20,
    pendingOutcome: 'canceled',
    files: [outputFile('file-out', 'batch_a', 'output'), outputFile('file-err', 'batch_a', 'error')],
  });
  assert.equal(finished, true);
  // Finishing again (another instance, a race) writes nothing: no second set of files, no line changes.
  const again = await store.finishJob({
    id: 'batch_a',
    from: ['in_progress', 'cancelling'],
    status: 'cancelled',
    timestamp: 'cancelled_at',
    at: 30,
    pendingOutcome: 'canceled',
    files: [outputFile('file-out-2', 'batch_a', 'output')],
  });
  assert.equal(again, false);
  assert.equal(await store.getFile('file-out-2'), undefined);
  const ended = await store.getJob('batch_a');
  assert.equal(ended?.status, 'cancelled');
  assert.equal(ended?.cancelledAt, 20);
  assert.equal(ended?.outputFileId, 'file-out');
  assert.equal(ended?.errorFileId, 'file-err');
  assert.deepEqual(await store.countLines('batch_a'), {
    total: 5,
    pending: 0,
    succeeded: 1,
    errored: 1,
    canceled: 3,
    expired: 0,
  });
  const errors = await store.readResults({ batchId: 'batch_a', kind: 'error', afterIndex: -1, limit: 2 });
  assert.deepEqual(
    errors.map((line) => [line.index, line.outcome]),
    [
      [1, 'canceled'],
      [2, 'errored'],
    ],
  );
  assert.deepEqual(errors[1]?.error, { code: 'invalid_json_line', message: 'bad' });
  const output = await store.readResults({ batchId: 'batch_a', kind: 'output', afterIndex: -1, limit: 10 });
  assert.deepEqual(
    output.map((line) => [line.customId, line.requestId, line.responseBody]),
    [['req-0', 'r0', '{"ok":true}']],
  );

  assert.deepEqual(
    (await store.listJobs({ api: 'openai', owner: undefined, after: undefined, before: undefined, limit: 1 })).map(
      (listed) => listed.id,
    ),
    ['batch_b'],
  );
  assert.deepEqual(
    (await store.listJobs({ api: 'openai', owner: undefined, after: 'batch_b', before: undefined, limit: 5 })).map(
      (listed) => listed.id,
    ),
    ['batch_a'],
  );
  // batch_b: two lines to a provider batch, one answered, the other handed back to the gateway lane.
  assert.deepEqual(
    (await store.submissions.unplannedLines({ batchId: 'batch_b', limit: 10 })).map((line) => line.index),
    [0, 1],
  );
  await store.submissions.create(
    {
      id: 'sub_1',
      batchId: 'batch_b',
      provider: 'sim',
      deployment: 'sim/model',
      providerBatchId: undefined,
      state: 'submitting',
      submittedAt: 50,
      cancelSent: false,
    },
    [
      { index: 0, route: '{"rule":"tier"}' },
      { index: 1, route: '{"rule":"tier"}' },
    ],
  );
  assert.equal((await store.submissions.unplannedLines({ batchId: 'batch_b', limit: 10 })).length, 0);
  await store.submissions.markOpen({ id: 'sub_1', providerBatchId: 'provider-batch-1' });
  const [open] = await store.submissions.open('batch_b');
  assert.equal(open?.providerBatchId, 'provider-batch-1');
  assert.equal(open?.state, 'open');
  const submitted = await store.submissions.pendingLines({ id: 'sub_1', batchId: 'batch_b' });
  assert.deepEqual(
    submitted.map((line) => [line.index, line.route]),
    [
      [0, '{"rule":"tier"}'],
      [1, '{"rule":"tier"}'],
    ],
  );
  await store.recordResult({ batchId: 'batch_b', index: 0, result: success('p0'), at: 60 });
  await store.submissions.close({ id: 'sub_1', state: 'done', leftover: 'gateway' });
  assert.deepEqual(await store.submissions.open('batch_b'), []);
  const handedBack = await store.pendingLines({ batchId: 'batch_b', now: 0, limit: 10 });
  assert.deepEqual(
    handedBack.map((line) => [line.index, line.attempt]),
    [[1, 1]],
  );
  assert.equal(
    await store.transition({
      id: 'batch_b',
      from: ['in_progress'],
      to: 'cancelling',
      timestamp: 'cancelling_at',
      at: 40,
    }),
    true,
  );
  assert.equal(
    await store.transition({
      id: 'batch_b',
      from: ['in_progress'],
      to: 'cancelling',
      timestamp: 'cancelling_at',
      at: 41,
    }),
    false,
  );
  // A large batch is written in slices and becomes runnable only once whole.
  await store.createJob(job('batch_big', 300), lines(4_500));
  assert.equal((await store.getJob('batch_big'))?.status, 'in_progress');
  assert.equal((await store.countLines('batch_big')).total, 4_500);
  // One left half-written by a crash is removed once old enough; a finished one never is.
  await store.createJob({ ...job('batch_torn', 400), status: 'validating' }, lines(3));
  assert.equal(await store.removeAbandoned(400), 0);
  assert.equal(await store.removeAbandoned(401), 1);
  assert.equal(await store.getJob('batch_torn'), undefined);
  assert.equal((await store.countLines('batch_torn')).total, 0);
  assert.ok(await store.getJob('batch_big'));
  assert.equal(await store.deleteJob('batch_a'), true);
  assert.equal(await store.getFile('file-out'), undefined);
  assert.deepEqual((await store.countLines('batch_a')).total, 0);
}

describe('batch job store', () => {
  it('keeps files, jobs, lines, leases and results in SQLite', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-batch-store-'));
    after(() => rmSync(directory, { recursive: true, force: true }));
    const store = await openBatchStore({ kind: 'sqlite', path: join(directory, 'batches.db') });
    try {
      await exercise(store);
    } finally {
      await store.close();
    }
  });

  it('keeps the same in PostgreSQL (own schema), and migrates twice without harm', async () => {
    const schema = `batch_test_${randomBytes(4).toString('hex')}`;
    const target: BatchStoreTarget = { kind: 'postgres', url: POSTGRES_URL, schema };
    after(async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    });
    const store = await openBatchStore(target);
    try {
      await store.migrate();
      await exercise(store);
    } finally {
      await store.close();
    }
  });
});
