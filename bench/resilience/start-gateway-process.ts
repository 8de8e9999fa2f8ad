import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** A gateway in its own process, for load that does not share an event loop with the load generator. */
export interface GatewayProcess {
  url: string;
  /** Headers each request carries (the virtual key when the layers are on). */
  headers: Record<string, string>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/** Spawns bench-gateway-worker.ts and waits for the line with its URL. */
export function startGatewayProcess(options: {
  layers: 'none' | 'memory' | 'redis';
  redisUrl: string;
  prefix: string;
  sqlitePath: string;
}): Promise<GatewayProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'bench-gateway-worker.ts'), JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TOLLGATE_LOG_LEVEL: 'warn' } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_096);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the gateway process did not start within ${START_TIMEOUT_MS} ms: ${stderr}`));
    }, START_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      const { url, key } = JSON.parse(stdout.slice(0, newline)) as { url: string; key?: string };
      const headers: Record<string, string> = { 'x-tollgate-tenant': 'bench', 'x-tollgate-feature': 'chat' };
      if (key) headers.authorization = `Bearer ${key}`;
      resolve({ url, headers, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway process exited with code ${code}: ${stderr}`));
    });
  });
}
