import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

describe('tollgate serve --workers 2', () => {
  it('runs two gateway processes behind one port, both answering', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'tollgate-workers-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--port', '0', '--workers', '2'], {
      cwd: process.cwd(),
      env: { PATH: process.env.PATH, TOLLGATE_LOG_LEVEL: 'info', HOME: directory },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const urls = await new Promise<string[]>((resolve, reject) => {
        const found: string[] = [];
        let buffered = '';
        const timer = setTimeout(() => reject(new Error(`workers did not start: ${buffered}`)), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString();
          for (const match of buffered.matchAll(/"msg":"Tollgate listening on (http:\/\/[^"]+)"/g)) {
            if (found.length < 2 && !found.includes(`${match.index}`)) found.push(match[1] as string);
          }
          if (found.length >= 2) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      assert.equal(urls[0], urls[1], 'both workers share one address');
      const pids = new Set<string>();
      for (let index = 0; index < 4; index++) {
        const response = await fetch(`${urls[0]}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', connection: 'close' },
          body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: `hello ${index}` }] }),
        });
        assert.equal(response.status, 200);
        pids.add(response.headers.get('x-tollgate-request-id') ?? '');
      }
      assert.equal(pids.size, 4);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
