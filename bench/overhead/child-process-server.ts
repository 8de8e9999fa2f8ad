import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A server running in a child process (a gateway or the mock upstream). */
export interface ChildProcessServer {
  readonly name: string;
  readonly pid: number;
  /** Peak resident set (VmHWM) of the process and of every descendant alive now, in bytes. */
  peakRss(): { totalBytes: number; largestBytes: number; processes: number };
  /** CPU time (user + system) used so far by the process and its live descendants, in seconds. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** What the process wrote to stderr (last 4 KB), for error messages. */
  stderrTail(): string;
}

/** A free TCP port on 127.0.0.1 (bound and released at once). */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function readPeakRssBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture node runs on. */
const TICKS_PER_SECOND = 100;

function readCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may hold spaces): utime is the 14th field overall.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function descendants(pid: number): number[] {
  const found: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return found;
  }
  for (const task of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const child of children.split(' ').filter(Boolean).map(Number)) found.push(child, ...descendants(child));
  }
  return found;
}

async function waitForHttp(options: { url: string; child: ChildProcess; timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (options.child.exitCode !== null) throw new Error(`exited with code ${options.child.exitCode}`);
    try {
      await fetch(options.url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no answer at ${options.url} within ${options.timeoutMs} ms`);
}

/**
 * Spawns `command args` and resolves once `readyUrl` answers any HTTP response, or, without
 * `readyUrl`, once the child prints a stdout line matching `readyLine` (default: any line), returned
 * as `firstLine`.
 */
export async function startChildProcessServer(options: {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  readyUrl?: string;
  readyLine?: RegExp;
  timeoutMs?: number;
}): Promise<{ server: ChildProcessServer; firstLine: string | undefined }> {
  const child = spawn(options.command, options.args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4096);
  });
  let stdoutLine: ((line: string) => void) | undefined;
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (!stdoutLine) return;
    stdout += chunk.toString('utf8');
    for (let newline = stdout.indexOf('\n'); newline >= 0; newline = stdout.indexOf('\n')) {
      const line = stdout.slice(0, newline);
      stdout = stdout.slice(newline + 1);
      if (!options.readyLine || options.readyLine.test(line)) {
        stdoutLine(line);
        stdoutLine = undefined;
        return;
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const server: ChildProcessServer = {
    name: options.name,
    pid: child.pid ?? -1,
    peakRss: () => {
      const pids = [child.pid ?? -1, ...descendants(child.pid ?? -1)];
      const sizes = pids.map(readPeakRssBytes).filter((size) => size > 0);
      return {
        totalBytes: sizes.reduce((sum, size) => sum + size, 0),
        largestBytes: Math.max(0, ...sizes),
        processes: sizes.length,
      };
    },
    cpuSeconds: () =>
      [child.pid ?? -1, ...descendants(child.pid ?? -1)].reduce((sum, pid) => sum + readCpuSeconds(pid), 0),
    stop: async (graceMs = 10_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    stderrTail: () => stderr,
  };
  const timeoutMs = options.timeoutMs ?? 30_000;
  try {
    if (options.readyUrl) {
      await waitForHttp({ url: options.readyUrl, child, timeoutMs });
      return { server, firstLine: undefined };
    }
    const firstLine = await new Promise<string>((resolve, reject) => {
      stdoutLine = resolve;
      child.once('exit', (code) => reject(new Error(`exited with code ${code}`)));
      setTimeout(() => reject(new Error(`printed nothing within ${timeoutMs} ms`)), timeoutMs).unref();
    });
    return { server, firstLine };
  } catch (error) {
    await server.stop(1_000);
    throw new Error(`${options.name} did not start: ${(error as Error).message}\n${stderr}`);
  }
}
