// "A response whose last byte was sent is in the ledger even if the process is killed right after",
// and a store that is down loses nothing: checked with real process kills and a real server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sampleRequest } from './__fixtures__/sample-records.js';
import {
  assertPostgresReachable,
  createRecordingLogger,
  createTestTarget,
  type TestTarget,
} from './__fixtures__/test-targets.js';
import { createLedger } from './create-ledger.js';
import type { LedgerConfig } from './ledger.js';

const CHILD = fileURLToPath(new URL('./__fixtures__/record-then-kill.ts', import.meta.url));
const ALL_TIME = { from: 0, to: Date.UTC(2100, 0, 1), groupBy: [] };

/** Runs the child that records `count` requests and then SIGKILLs itself; resolves with how it ended. */
function recordThenKill(config: LedgerConfig, count: number, prefix: string): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config), String(count), prefix], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(signal);
      else reject(new Error(`child exited with code ${code} instead of being killed: ${stderr}`));
    });
  });
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`ledger durability on ${kind}`, () => {
    const targets: TestTarget[] = [];
    before(async () => {
      if (kind === 'postgres') await assertPostgresReachable();
    });
    after(async () => {
      for (const target of targets) await target.cleanup();
    });

    test('every request recorded before a SIGKILL is in the ledger after a restart', async () => {
      const target = createTestTarget(kind);
      targets.push(target);
      const count = 2000;
      // Twice, so the second child replays nothing twice and the restart path runs over existing rows.
      assert.equal(await recordThenKill(target.config, count, 'first'), 'SIGKILL');
      assert.equal(await recordThenKill(target.config, count, 'second'), 'SIGKILL');
      const logger = createRecordingLogger();
      const ledger = await createLedger(target.config, { logger });
      try {
        await ledger.flush();
        const report = await ledger.queryUsage(ALL_TIME);
        assert.equal(report.totals.requests, 2 * count);
        const last = await ledger.requestDetail(`second-${count - 1}`);
        assert.equal(last?.attempts.length, 1, 'the attempts of the last request survived too');
        assert.equal(ledger.stats().lost, 0);
        assert.equal(ledger.stats().pendingJournalBytes, 0);
      } finally {
        await ledger.close();
      }
      const leftovers = readdirSync(target.journalDir, { withFileTypes: true }).filter((entry) => entry.isFile());
      assert.deepEqual(
        leftovers.map((entry) => entry.name),
        [],
        'replayed journal segments are removed',
      );
    });
  });
}

describe('ledger with PostgreSQL down', () => {
  const targets: TestTarget[] = [];
  before(assertPostgresReachable);
  after(async () => {
    for (const target of targets) await target.cleanup();
  });

  test('requests are journaled while the server is unreachable and written once it answers', async () => {
    const target = createTestTarget('postgres');
    targets.push(target);
    if (target.config.kind !== 'postgres') throw new Error('expected a postgres target');
    // Port 1 on loopback: nothing listens, so every connection is refused at once.
    const downConfig = { ...target.config, url: 'postgres://tollgate:tollgate@127.0.0.1:1/tollgate_test' };
    const logger = createRecordingLogger();
    const down = await createLedger(downConfig, { logger });
    assert.equal(await down.ping(), false);
    for (let index = 0; index < 50; index += 1) {
      assert.doesNotThrow(() => down.recordRequest(sampleRequest({ requestId: `while-down-${index}` }), []));
    }
    assert.equal(down.stats().recordedRequests, 50);
    assert.ok(down.stats().pendingJournalBytes > 0);
    await assert.rejects(down.flush());
    await down.close();
    assert.ok(logger.lines.some((line) => line.level === 'error' && /unreachable at start/.test(line.message)));

    const up = await createLedger(target.config, { logger: createRecordingLogger() });
    try {
      assert.equal(await up.ping(), true);
      assert.equal((await up.queryUsage(ALL_TIME)).totals.requests, 50);
    } finally {
      await up.close();
    }
  });
});
