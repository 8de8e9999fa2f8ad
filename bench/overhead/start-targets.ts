import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '../../src/cli/gateway-node-flags.js';
import { type ChildProcessServer, findFreePort, startChildProcessServer } from './child-process-server.js';
import type { TargetName } from './overhead-result.js';

/** Where the load goes and with which headers. */
export interface Target {
  name: TargetName;
  /** Full URL of the chat completions route. */
  chatUrl: string;
  headers: Record<string, string>;
  /** The gateway process; none for `direct`. */
  server: ChildProcessServer | undefined;
}

/** The model name every request asks for; the mock echoes it. */
export const BENCH_MODEL = 'bench-model';

const REPO = resolve(import.meta.dirname, '../..');

/** The environment of a gateway child: no provider keys, so nothing is discovered behind our back. */
function cleanEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of [
    'OPENAI_API_KEY',
    'ANTHROPIC_API_KEY',
    'DEEPSEEK_API_KEY',
    'OPENROUTER_API_KEY',
    'TOLLGATE_LOCAL_BASE_URL',
    'TOLLGATE_MASTER_KEY',
    'NODE_OPTIONS',
  ]) {
    delete environment[name];
  }
  return environment;
}

/** The straight line to the mock. */
export function directTarget(upstreamUrl: string): Target {
  return { name: 'direct', chatUrl: `${upstreamUrl}/chat/completions`, headers: {}, server: undefined };
}

/** The floor: node:http in front of an undici pool and nothing else (bare-proxy.mjs beside this file). */
export async function startBareProxy(options: { upstreamUrl: string }): Promise<Target> {
  const port = await findFreePort();
  const { server } = await startChildProcessServer({
    name: 'bare proxy',
    command: process.execPath,
    args: [join(import.meta.dirname, 'bare-proxy.mjs'), '--upstream', options.upstreamUrl, '--port', String(port)],
    env: cleanEnvironment({}),
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return { name: 'floor', chatUrl: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, server };
}

/**
 * Tollgate from the built dist/, one `openai-compatible` provider at the mock, ledger off, logs at
 * warn. One worker runs `tollgate serve`; more run the cluster launcher beside this file.
 */
export async function startTollgate(options: {
  upstreamUrl: string;
  workers: number;
  /** Write a V8 CPU profile per process into this folder when the process exits. */
  cpuProfileDir?: string;
  /** The compiled gateway to run (default the repo's dist/), to compare two builds. */
  distDir?: string;
  /** Write the ledger to a fresh SQLite file (default: ledger off). */
  ledger?: boolean;
  /** Node flags of the gateway process (default: the ones `tollgate serve` and `npm start` use). */
  nodeFlags?: readonly string[];
}): Promise<Target> {
  const dist = resolve(options.distDir ?? join(REPO, 'dist'));
  const cli = join(dist, 'cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first.`);
  const directory = join(tmpdir(), `tollgate-bench-${process.pid}${options.ledger ? '-ledger' : ''}`);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  const configPath = join(directory, 'tollgate.yaml');
  // JSON is YAML; the gateway's loader reads either.
  writeFileSync(
    configPath,
    JSON.stringify({
      storage: options.ledger
        ? { ledger: 'sqlite', sqlite_path: join(directory, 'ledger.db') }
        : { ledger: 'off', sqlite_path: join(directory, 'ledger.db') },
      server: { max_retries: 0 },
      providers: [
        {
          name: 'mock',
          kind: 'openai-compatible',
          base_url: options.upstreamUrl,
          models: [{ name: BENCH_MODEL, price_as: 'gpt-5.4-nano', capabilities: ['tools', 'json_mode', 'streaming'] }],
        },
      ],
    }),
  );
  const port = await findFreePort();
  const profile = [
    ...(options.nodeFlags ?? GATEWAY_NODE_FLAGS),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  if (options.cpuProfileDir) mkdirSync(options.cpuProfileDir, { recursive: true });
  const args =
    options.workers === 1
      ? [...profile, cli, 'serve', '--config', configPath, '--port', String(port), '--host', '127.0.0.1']
      : [
          ...profile,
          join(import.meta.dirname, 'tollgate-cluster.mjs'),
          '--config',
          configPath,
          '--port',
          String(port),
          '--workers',
          String(options.workers),
          '--dist',
          dist,
        ];
  const { server } = await startChildProcessServer({
    name: 'tollgate',
    command: process.execPath,
    args,
    env: cleanEnvironment({ TOLLGATE_LOG_LEVEL: 'warn' }),
    // A cluster answers /healthz as soon as its first worker listens; the launcher's ready line
    // waits for all of them, so that no cell measures a worker still starting.
    readyUrl: options.workers === 1 ? `http://127.0.0.1:${port}/healthz` : undefined,
    readyLine: /^\{"ready":true/,
  });
  return {
    name: options.ledger ? 'tollgate-ledger' : 'tollgate',
    chatUrl: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {},
    server,
  };
}

/**
 * Portkey's open-source gateway from npm (`@portkey-ai/gateway`, its own `start-server.js` bin),
 * headless, routed to the mock with its documented headers `x-portkey-provider: openai` and
 * `x-portkey-custom-host`.
 */
export async function startPortkey(options: { upstreamUrl: string }): Promise<Target> {
  const bin = join(REPO, 'node_modules/@portkey-ai/gateway/build/start-server.js');
  if (!existsSync(bin)) throw new Error('@portkey-ai/gateway is not installed (a devDependency): run `npm ci`.');
  const port = await findFreePort();
  const { server } = await startChildProcessServer({
    name: 'portkey',
    command: process.execPath,
    args: [bin, `--port=${port}`, '--headless'],
    env: cleanEnvironment({}),
    readyUrl: `http://127.0.0.1:${port}/`,
  });
  return {
    name: 'portkey',
    chatUrl: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      'x-portkey-provider': 'openai',
      'x-portkey-custom-host': options.upstreamUrl,
      authorization: 'Bearer sk-bench-not-a-real-key',
    },
    server,
  };
}
