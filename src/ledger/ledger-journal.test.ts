import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { sampleRequest } from './__fixtures__/sample-records.js';
import { createRecordingLogger } from './__fixtures__/test-targets.js';
import { JournalDrain } from './journal-drain.js';
import { LedgerJournal, SET_ASIDE_FILE } from './ledger-journal.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'tollgate-journal-'));
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

function requestEntry(requestId: string): LedgerEntry {
  return { kind: 'request', request: sampleRequest({ requestId }), attempts: [] };
}

function segmentFiles(): string[] {
  return readdirSync(directory).filter((name) => name.startsWith('segment-'));
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  assert.ok(result.pid);
  return result.pid;
}

test('entries read back in order; acknowledging all of them empties the file', () => {
  const journal = new LedgerJournal({ directory });
  for (const id of ['a', 'b', 'c']) journal.append(requestEntry(id));
  const [segment] = segmentFiles();
  assert.ok(segment);
  const first = journal.read(2);
  assert.deepEqual(
    first?.entries.map((entry) => (entry.kind === 'request' ? entry.request.requestId : '')),
    ['a', 'b'],
  );
  journal.acknowledge(first!);
  assert.ok(journal.pendingBytes > 0);
  const second = journal.read(10);
  assert.equal(second?.entries.length, 1);
  journal.acknowledge(second!);
  assert.equal(journal.pendingBytes, 0);
  assert.equal(statSync(join(directory, segment)).size, 0, 'the active segment is truncated, not grown forever');
  journal.append(requestEntry('d'));
  assert.equal(journal.read(10)?.entries.length, 1, 'appends after a truncate are read from the start');
  journal.close();
});

test('a line longer than one read is read whole, not taken for damage', () => {
  const journal = new LedgerJournal({ directory });
  const long: LedgerEntry = {
    kind: 'request',
    request: sampleRequest({ requestId: 'long', routeReason: 'x'.repeat(300_000) }),
    attempts: [],
  };
  journal.append(long);
  journal.append(requestEntry('after'));
  const first = journal.read(1);
  assert.deepEqual(first?.damaged, []);
  assert.deepEqual(first?.entries, [long]);
  journal.acknowledge(first!);
  assert.equal(journal.read(1)?.entries.length, 1);
  journal.close();
});

test('segments rotate at the size limit and are deleted once stored', () => {
  const journal = new LedgerJournal({ directory, maxSegmentBytes: 2000 });
  for (let index = 0; index < 10; index += 1) journal.append(requestEntry(`r${index}`));
  assert.ok(segmentFiles().length >= 3, `expected several segments, got ${segmentFiles().length}`);
  let read = 0;
  for (let batch = journal.read(4); batch; batch = journal.read(4)) {
    read += batch.entries.length;
    journal.acknowledge(batch);
  }
  assert.equal(read, 10);
  assert.equal(segmentFiles().length, 1, 'only the active segment stays');
  journal.close();
  assert.deepEqual(segmentFiles(), [], 'an empty segment is removed at close');
});

test("a dead process's segment is claimed, with its torn last line set apart as damaged", () => {
  const pid = deadPid();
  const lines = [JSON.stringify(requestEntry('x1')), JSON.stringify(requestEntry('x2'))];
  const torn = JSON.stringify(requestEntry('x3')).slice(0, 40);
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, `segment-${pid}-1-abcd-1.jsonl`), `${lines.join('\n')}\n${torn}`);
  const journal = new LedgerJournal({ directory });
  assert.ok(journal.recover() > 0);
  const batch = journal.read(100);
  assert.deepEqual(
    batch?.entries.map((entry) => (entry.kind === 'request' ? entry.request.requestId : '')),
    ['x1', 'x2'],
  );
  assert.equal(journal.read(100)?.entries.length, 2, 'reads do not move without acknowledgement');
  journal.acknowledge(batch!);
  const tail = journal.read(100);
  assert.deepEqual(tail?.entries, []);
  assert.deepEqual(tail?.damaged, [torn]);
  journal.acknowledge(tail!);
  assert.deepEqual(segmentFiles(), [], 'the claimed segment is deleted once handled');
  journal.close();
});

test('a segment held open by a live journal in this process is never claimed', () => {
  const owner = new LedgerJournal({ directory });
  owner.append(requestEntry('mine'));
  const other = new LedgerJournal({ directory });
  assert.equal(other.recover(), 0);
  assert.equal(other.read(10), undefined);
  owner.close();
  // Closed with an unstored entry: the file stays, and the next journal replays it.
  const next = new LedgerJournal({ directory });
  assert.ok(next.recover() > 0);
  assert.equal(next.read(10)?.entries.length, 1);
  next.close();
  other.close();
});

/** A store whose failures a test controls. */
function createFakeStore(options: { refuse?: (entry: LedgerEntry) => boolean }) {
  const written: LedgerEntry[] = [];
  let down = false;
  const store: LedgerStore & { written: LedgerEntry[]; setDown(value: boolean): void } = {
    dialect: 'sqlite',
    written,
    setDown(value) {
      down = value;
    },
    async migrate() {},
    async write(entries) {
      if (down) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
      if (entries.some((entry) => options.refuse?.(entry)))
        throw Object.assign(new Error('bad row'), { code: '22P02' });
      written.push(...entries);
    },
    isPermanentError: (error) => (error as { code?: string }).code === '22P02',
    async all() {
      return [];
    },
    async ping() {
      return !down;
    },
    async close() {},
  };
  return store;
}

test('the drain sets aside an entry the store refuses for good and writes the rest', async () => {
  const journal = new LedgerJournal({ directory });
  const store = createFakeStore({
    refuse: (entry) => entry.kind === 'request' && entry.request.requestId === 'poison',
  });
  const counters = { storeFailures: 0, setAside: 0, lost: 0 };
  const drain = new JournalDrain({ journal, store, logger: createRecordingLogger(), counters });
  for (const id of ['a', 'poison', 'b']) journal.append(requestEntry(id));
  await drain.flush();
  assert.deepEqual(
    store.written.map((entry) => (entry.kind === 'request' ? entry.request.requestId : '')),
    ['a', 'b'],
  );
  assert.equal(counters.setAside, 1);
  const setAside = readFileSync(join(directory, SET_ASIDE_FILE), 'utf8').trim().split('\n');
  assert.equal(setAside.length, 1);
  assert.match(setAside[0]!, /"poison"/);
  assert.equal(journal.pendingBytes, 0);
  await drain.stop();
  journal.close();
});

test('the drain keeps entries while the store is down and writes them when it is back', async () => {
  const journal = new LedgerJournal({ directory });
  const store = createFakeStore({});
  const counters = { storeFailures: 0, setAside: 0, lost: 0 };
  const drain = new JournalDrain({ journal, store, logger: createRecordingLogger(), counters });
  store.setDown(true);
  journal.append(requestEntry('a'));
  await assert.rejects(drain.flush(), /connection refused/);
  assert.ok(journal.pendingBytes > 0);
  assert.ok(counters.storeFailures >= 1);
  store.setDown(false);
  journal.append(requestEntry('b'));
  await drain.flush();
  assert.equal(store.written.length, 2);
  assert.equal(journal.pendingBytes, 0);
  await drain.stop();
  journal.close();
});

test('a whole batch waiting starts a drain without waiting out the gathering delay', async () => {
  const journal = new LedgerJournal({ directory });
  const store = createFakeStore({});
  const counters = { storeFailures: 0, setAside: 0, lost: 0 };
  const drain = new JournalDrain({
    journal,
    store,
    logger: createRecordingLogger(),
    counters,
    batchSize: 3,
    delayMs: 60_000,
  });
  for (const id of ['a', 'b']) {
    journal.append(requestEntry(id));
    drain.appended();
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(store.written.length, 0, 'two entries wait for the delay');
  journal.append(requestEntry('c'));
  drain.appended();
  for (let waited = 0; store.written.length < 3 && waited < 2_000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert.equal(store.written.length, 3);
  await drain.stop();
  journal.close();
});

test('a store that writes journal text itself gets whole lines; when it refuses, the batch is parsed and written here', async () => {
  const journal = new LedgerJournal({ directory });
  const store = createFakeStore({});
  const texts: string[] = [];
  let refuseText = false;
  store.writeJournalText = async (text) => {
    if (refuseText) throw new TypeError('a journal line is not a ledger entry');
    texts.push(text);
  };
  const counters = { storeFailures: 0, setAside: 0, lost: 0 };
  const drain = new JournalDrain({ journal, store, logger: createRecordingLogger(), counters });
  for (const id of ['a', 'b']) journal.append(requestEntry(id));
  await drain.flush();
  assert.equal(texts.length, 1);
  assert.deepEqual(
    texts[0]!
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { request: { requestId: string } }).request.requestId),
    ['a', 'b'],
  );
  assert.equal(store.written.length, 0);
  refuseText = true;
  journal.append(requestEntry('c'));
  await drain.flush();
  assert.deepEqual(
    store.written.map((entry) => (entry.kind === 'request' ? entry.request.requestId : '')),
    ['c'],
  );
  assert.equal(journal.pendingBytes, 0);
  await drain.stop();
  journal.close();
});
