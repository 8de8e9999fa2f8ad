import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import OpenAI, { toFile } from 'openai';
import { waitFor } from './start-batch-gateway.js';

const SCRIPT = fileURLToPath(new URL('./serve-batch-gateway.ts', import.meta.url));
const LINES = 50;

interface ResultLine {
  custom_id: string;
  response: { status_code: number; request_id: string; body: { choices: { message: { content: string } }[] } } | null;
  error: unknown;
}

/** Starts the gateway process on `folder`; resolves with it and its URL once it listens. */
function startGatewayProcess(folder: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TOLLGATE_LOG_LEVEL: 'silent' },
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    });
    child.once('exit', (code, signal) => reject(new Error(`gateway process ended early (${code ?? signal})`)));
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

describe('a batch survives the gateway being killed mid-batch', () => {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-batch-kill-'));
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(folder, { recursive: true, force: true });
  });

  it('resumes after SIGKILL and a restart: every line answered once, one ledger row per line', async () => {
    const customIds = Array.from({ length: LINES }, (_, index) => `line-${String(index).padStart(2, '0')}`);
    const input = customIds
      .map((customId, index) =>
        JSON.stringify({
          custom_id: customId,
          method: 'POST',
          url: '/v1/chat/completions',
          body: { model: 'fast', messages: [{ role: 'user', content: `Question number ${index}` }], max_tokens: 16 },
        }),
      )
      .join('\n');

    const first = await startGatewayProcess(folder);
    children.push(first.child);
    const client = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const before = client(first.url);
    const file = await before.files.create({ file: await toFile(Buffer.from(input), 'kill.jsonl'), purpose: 'batch' });
    const created = await before.batches.create({
      input_file_id: file.id,
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
    });
    const halfway = await waitFor(
      () => before.batches.retrieve(created.id),
      (batch) => (batch.request_counts?.completed ?? 0) >= 12,
      { what: '12 lines to complete', intervalMs: 20 },
    );
    first.child.kill('SIGKILL');
    await exited(first.child);
    assert.equal(halfway.status, 'in_progress');
    assert.ok((halfway.request_counts?.completed ?? 0) < LINES, 'killed before the batch finished');

    const second = await startGatewayProcess(folder);
    children.push(second.child);
    const afterRestart = client(second.url);
    const batch = await waitFor(
      () => afterRestart.batches.retrieve(created.id),
      (current) => current.status === 'completed',
      { what: 'the batch to complete after the restart', timeoutMs: 30_000 },
    );
    assert.deepEqual(batch.request_counts, { total: LINES, completed: LINES, failed: 0 });
    assert.equal(batch.error_file_id, null);
    const text = await (await afterRestart.files.content(batch.output_file_id as string)).text();
    const output = text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ResultLine);

    // The results file against the input file, line by line: each custom_id exactly once, answered.
    assert.deepEqual(
      output.map((line) => line.custom_id),
      customIds,
    );
    for (const line of output) {
      assert.equal(line.response?.status_code, 200);
      assert.ok(line.response?.body.choices[0]?.message.content);
    }
    const cost = (batch as unknown as { x_tollgate: { cost_usd: number } }).x_tollgate.cost_usd;

    second.child.kill('SIGTERM');
    await exited(second.child);

    // The ledger against the input file: one batch row per line, none charged twice.
    const ledger = new Database(join(folder, 'ledger.db'), { readonly: true });
    try {
      const rows = ledger
        .prepare('SELECT request_id, cost_usd, outcome FROM ledger_requests WHERE batch = 1 ORDER BY request_id')
        .all() as { request_id: string; cost_usd: number; outcome: string }[];
      assert.equal(rows.length, LINES, 'one ledger row per line');
      const lineOf = (requestId: string): number => Number(requestId.split('.')[1]);
      assert.deepEqual(
        rows.map((row) => lineOf(row.request_id)).sort((a, b) => a - b),
        customIds.map((_, index) => index),
        'every line charged exactly once',
      );
      assert.ok(rows.every((row) => row.outcome === 'success' && row.cost_usd > 0));
      assert.deepEqual(
        rows.map((row) => row.request_id).sort(),
        output.map((line) => line.response?.request_id).sort(),
        'the results point at the rows that were charged',
      );
      const charged = rows.reduce((total, row) => total + row.cost_usd, 0);
      assert.equal(charged.toFixed(9), cost.toFixed(9));
    } finally {
      ledger.close();
    }
  });
});
