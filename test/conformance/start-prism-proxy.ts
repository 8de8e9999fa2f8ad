import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createConnection, createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running `prism proxy`. */
export interface PrismProxy {
  /** Base URL; paths are the spec's (`/chat/completions`), without the server's `/v1`. */
  url: string;
  /** What prism printed (last 16 KB), for failure messages. */
  output(): string;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts `@stoplight/prism-cli proxy DOCUMENT UPSTREAM --errors` on 127.0.0.1: every request and
 * response is validated against the document; with `--errors` a violation becomes a 4xx/5xx from
 * prism with an `sl-violations` header, and warnings still come back in that header.
 */
export async function startPrismProxy(options: {
  documentPath: string;
  upstreamUrl: string;
  timeoutMs: number;
}): Promise<PrismProxy> {
  const require = createRequire(import.meta.url);
  const cli = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      cli,
      'proxy',
      options.documentPath,
      options.upstreamUrl,
      '--errors',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-16_384);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + options.timeoutMs;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await close();
      throw new Error(`prism did not start within ${options.timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output, close };
}
