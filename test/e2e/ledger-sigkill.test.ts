// Issue 3: "a response whose last byte was sent is in the ledger even if the process is killed right
// after (test it: SIGKILL under load, restart, count rows against the client's count)". The gateway
// runs as `tollgate serve` in its own process; clients count every answer they read to the end.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createLedger } from '../../src/ledger/create-ledger.js';

function serve(configPath: string, home: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', configPath, '--port', '0'],
    {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, HOME: home, TOLLGATE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const url = new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the gateway did not start: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"msg":"Tollgate listening on (http:\/\/[^"]+)"/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code, signal) => reject(new Error(`the gateway exited (${code ?? signal}): ${output}`)));
  });
  return { child, url };
}

/** Sends requests one after another until `stop` is set; returns the request ids of answers read whole. */
async function client(options: { url: string; index: number; stop: () => boolean }): Promise<string[]> {
  const answered: string[] = [];
  for (let turn = 0; !options.stop(); turn++) {
    const stream = (options.index + turn) % 2 === 0;
    try {
      const response = await fetch(`${options.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tollgate-tenant': `client-${options.index}` },
        body: JSON.stringify({
          model: 'fast',
          stream,
          messages: [{ role: 'user', content: `Question ${turn} from client ${options.index}: what is a ledger?` }],
          max_tokens: 24,
        }),
      });
      const text = await response.text();
      const complete = stream ? text.includes('data: [DONE]') : text.includes('"finish_reason"');
      const id = response.headers.get('x-tollgate-request-id');
      if (response.status === 200 && complete && id) answered.push(id);
    } catch {
      // The gateway was killed mid-request: that answer never reached the client and is not counted.
      return answered;
    }
  }
  return answered;
}

describe('the ledger across a SIGKILL of the gateway under load', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-sigkill-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  it('has a row for every answer a client received before the kill', async () => {
    const ledgerPath = join(directory, 'ledger.db');
    const configPath = join(directory, 'tollgate.yaml');
    writeFileSync(
      configPath,
      JSON.stringify({
        storage: { ledger: 'sqlite', sqlite_path: ledgerPath },
        providers: [
          {
            name: 'sim',
            kind: 'simulated',
            simulation: { ttft_ms: 5, tokens_per_second: 5_000 },
            models: [{ name: 'small', price_as: 'gpt-5.4-mini' }],
          },
        ],
        tiers: { fast: { deployments: ['sim/small'] } },
      }),
    );
    const { child, url } = serve(configPath, directory);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    const base = await url;
    let stopped = false;
    const clients = Array.from({ length: 8 }, (_, index) => client({ url: base, index, stop: () => stopped }));
    // Under load for a while, then killed without warning while requests are in flight.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');
    stopped = true;
    const answered = (await Promise.all(clients)).flat();
    assert.ok(answered.length >= 20, `only ${answered.length} answers before the kill: the load was too light`);

    // "Restart": open the same ledger as the next gateway would.
    const ledger = await createLedger({ kind: 'sqlite', path: ledgerPath });
    try {
      await ledger.flush();
      const missing: string[] = [];
      for (const id of answered) {
        const detail = await ledger.requestDetail(id);
        if (!detail) missing.push(id);
        else assert.ok(detail.request.costUsd > 0, `request ${id} was charged`);
      }
      assert.deepEqual(missing, [], `${missing.length} of ${answered.length} answered requests are not in the ledger`);
    } finally {
      await ledger.close();
    }
  });
});
