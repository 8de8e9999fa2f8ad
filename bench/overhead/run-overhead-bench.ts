/**
 * `npm run bench:overhead [-- --workers N|auto] [--duration S] [--warmup S] [--concurrency 1,16,64]
 *  [--only direct,floor,tollgate,tollgate-ledger,portkey] [--upstream instant|simulated] [--cpu-prof] [--dist DIR]
 *  [--node-flags="--flag …"] [--ledger-rounds N] [--ledger-seconds S] [--ledger-concurrency 1,16]`
 *
 * The same closed-loop load (autocannon, fixed connections) sent straight to an instant mock
 * upstream, then through a bare node:http + undici pass-through (the floor), through Tollgate (built
 * dist/, or the build in --dist DIR to compare two), and through Portkey's gateway, one after
 * another, non-streamed and streamed. Prints added latency over direct, throughput, CPU time per
 * request and peak RSS, and writes the figures to bench/results/overhead-<date>.json.tmp. Needs
 * `npm run build` first. Tollgate runs with the node flags of `tollgate serve` unless `--node-flags`
 * replaces them. `--ledger-rounds N` then compares the ledger on and off in N interleaved rounds
 * (see run-ledger-rounds.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type ChildProcessServer, startChildProcessServer } from './child-process-server.js';
import { formatOverheadReport } from './format-overhead-report.js';
import { measureLoad } from './measure-load.js';
import type { LoadMode, OverheadCell, OverheadResult, PeakMemory, TargetName } from './overhead-result.js';
import { formatLedgerRounds, type LedgerRoundsResult, runLedgerRounds } from './run-ledger-rounds.js';
import {
  BENCH_MODEL,
  directTarget,
  startBareProxy,
  startPortkey,
  startTollgate,
  type Target,
} from './start-targets.js';

const REPO = resolve(import.meta.dirname, '../..');

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '1,16,64' },
    only: { type: 'string', default: 'direct,floor,tollgate,tollgate-ledger,portkey' },
    upstream: { type: 'string', default: 'instant' },
    'cpu-prof': { type: 'boolean', default: false },
    dist: { type: 'string' },
    'node-flags': { type: 'string' },
    'ledger-rounds': { type: 'string', default: '0' },
    'ledger-seconds': { type: 'string', default: '2' },
    'ledger-concurrency': { type: 'string', default: '1,16' },
  },
});

const workers = values.workers === 'auto' ? availableParallelism() : Number(values.workers);
const durationSeconds = Number(values.duration);
const warmupSeconds = Number(values.warmup);
const concurrencies = values.concurrency.split(',').map(Number);
const only = new Set(values.only.split(','));
const upstreamKind = values.upstream;
const nodeFlags = values['node-flags']?.split(' ').filter((flag) => flag !== '');
const ledgerRounds = Number(values['ledger-rounds']);
const ledgerSeconds = Number(values['ledger-seconds']);
const ledgerConcurrencies = values['ledger-concurrency'].split(',').map(Number);
if (
  !(Number.isInteger(workers) && workers > 0) ||
  !(durationSeconds > 0) ||
  !(warmupSeconds >= 0) ||
  !concurrencies.every((value) => Number.isInteger(value) && value > 0) ||
  !(Number.isInteger(ledgerRounds) && ledgerRounds >= 0) ||
  !(ledgerSeconds > 0) ||
  !ledgerConcurrencies.every((value) => Number.isInteger(value) && value > 0) ||
  (upstreamKind !== 'instant' && upstreamKind !== 'simulated')
) {
  process.stderr.write(
    'usage: run-overhead-bench.ts [--workers N|auto] [--duration S] [--warmup S] [--concurrency 1,16,64] [--only direct,floor,tollgate,tollgate-ledger,portkey] [--upstream instant|simulated] [--cpu-prof] [--dist DIR] [--node-flags="..."] [--ledger-rounds N] [--ledger-seconds S] [--ledger-concurrency 1,16]\n',
  );
  process.exit(2);
}

const MESSAGES = [
  { role: 'system', content: 'You are a terse assistant for an operations team.' },
  { role: 'user', content: 'In two sentences: why should an LLM gateway add as little latency as possible?' },
];

function requestBody(mode: LoadMode): string {
  return JSON.stringify(
    mode === 'json'
      ? { model: BENCH_MODEL, messages: MESSAGES, max_tokens: 120 }
      : {
          model: BENCH_MODEL,
          messages: MESSAGES,
          max_tokens: 120,
          stream: true,
          stream_options: { include_usage: true },
        },
  );
}

/** One request by hand first: a gateway answering errors fast would otherwise look very fast. */
async function checkTarget(target: Target, mode: LoadMode): Promise<void> {
  const response = await fetch(target.chatUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body: requestBody(mode),
  });
  const text = await response.text();
  const answered =
    mode === 'json'
      ? (JSON.parse(text) as { choices?: { message?: { content?: string } }[] }).choices?.[0]?.message?.content
      : text.includes('data: [DONE]') && text.includes('"finish_reason":"stop"');
  if (response.status !== 200 || !answered) {
    throw new Error(`${target.name} (${mode}) answered ${response.status}: ${text.slice(0, 500)}`);
  }
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function runTarget(options: {
  target: Target;
  /** The process whose CPU time is charged to the cell: the gateway, or the mock for `direct`. */
  measured: ChildProcessServer | undefined;
  cells: OverheadCell[];
}): Promise<void> {
  const { target, measured, cells } = options;
  for (const mode of ['json', 'stream'] as const) {
    await checkTarget(target, mode);
    const plan = { url: target.chatUrl, headers: target.headers, body: requestBody(mode) };
    if (warmupSeconds > 0) await measureLoad({ ...plan, connections: 16, durationSeconds: warmupSeconds });
    for (const concurrency of concurrencies) {
      const cpuBefore = measured?.cpuSeconds();
      const measurement = await measureLoad({ ...plan, connections: concurrency, durationSeconds });
      const cpuAfter = measured?.cpuSeconds();
      const cpuMsPerRequest =
        cpuBefore === undefined || cpuAfter === undefined || measurement.responses === 0
          ? undefined
          : ((cpuAfter - cpuBefore) * 1000) / measurement.responses;
      const loadAverage = loadavg()[0] ?? 0;
      cells.push({ target: target.name, mode, concurrency, measurement, cpuMsPerRequest, loadAverage });
      log(
        `  ${target.name.padEnd(8)} ${mode.padEnd(6)} c=${String(concurrency).padEnd(3)} p50 ${measurement.p50Ms.toFixed(2)} ms  p99 ${measurement.p99Ms.toFixed(2)} ms  ${Math.round(measurement.requestsPerSecond)} req/s  cpu ${cpuMsPerRequest?.toFixed(3) ?? '–'} ms/req  load ${loadAverage.toFixed(1)}${measurement.failures > 0 ? `  FAILURES ${measurement.failures}` : ''}`,
      );
    }
  }
}

function peakMemory(target: Target): PeakMemory | undefined {
  const peak = target.server?.peakRss();
  if (!peak) return undefined;
  const mb = 1024 * 1024;
  return { largestMb: peak.largestBytes / mb, totalMb: peak.totalBytes / mb, processes: peak.processes };
}

async function main(): Promise<void> {
  const date = new Date().toISOString();
  const resultsDir = join(REPO, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const { server: upstream, firstLine } = await startChildProcessServer({
    name: `${upstreamKind} upstream`,
    command: process.execPath,
    args: ['--import', 'tsx', join(import.meta.dirname, 'serve-upstream.ts'), upstreamKind],
    env: { ...process.env, TOLLGATE_LOG_LEVEL: 'silent' },
  });
  const upstreamUrl = (JSON.parse(firstLine ?? '{}') as { url: string }).url;
  log(`${upstreamKind} upstream at ${upstreamUrl}; ${durationSeconds} s per cell after ${warmupSeconds} s warm-up`);
  const cells: OverheadCell[] = [];
  const memory: OverheadResult['memory'] = {};
  let ledgerRoundsResult: LedgerRoundsResult | undefined;
  const cpuProfileDir = values['cpu-prof']
    ? join(resultsDir, `cpu-profiles-${date.replace(/[:.]/g, '-')}.tmp`)
    : undefined;
  try {
    const starters: [TargetName, string, () => Promise<Target>][] = [
      ['direct', 'direct to the mock', async () => directTarget(upstreamUrl)],
      ['floor', 'through a bare node:http + undici pass-through (the floor)', () => startBareProxy({ upstreamUrl })],
      [
        'tollgate',
        `through Tollgate (${workers} worker${workers > 1 ? 's' : ''}, ledger off, logs at warn)`,
        () => startTollgate({ upstreamUrl, workers, cpuProfileDir, distDir: values.dist, nodeFlags }),
      ],
      [
        'tollgate-ledger',
        'through Tollgate with its SQLite ledger on (same build and config otherwise)',
        () => startTollgate({ upstreamUrl, workers, cpuProfileDir, distDir: values.dist, ledger: true, nodeFlags }),
      ],
      ['portkey', 'through Portkey (@portkey-ai/gateway, headless)', () => startPortkey({ upstreamUrl })],
    ];
    for (const [name, description, start] of starters) {
      if (!only.has(name)) continue;
      log(description);
      const target = await start();
      try {
        await runTarget({ target, measured: target.server ?? upstream, cells });
        if (name !== 'direct') memory[name] = peakMemory(target);
      } finally {
        await target.server?.stop();
      }
      if (name.startsWith('tollgate') && cpuProfileDir) log(`CPU profiles in ${cpuProfileDir}`);
    }
    if (ledgerRounds > 0) {
      log(`ledger on vs off: ${ledgerRounds} interleaved rounds of ${ledgerSeconds} s per gateway`);
      const off = await startTollgate({ upstreamUrl, workers, distDir: values.dist, nodeFlags });
      const on = await startTollgate({ upstreamUrl, workers, distDir: values.dist, ledger: true, nodeFlags });
      try {
        ledgerRoundsResult = await runLedgerRounds({
          off,
          on,
          rounds: ledgerRounds,
          durationSeconds: ledgerSeconds,
          concurrencies: ledgerConcurrencies,
          modes: ['json', 'stream'],
          requestBody,
          loadAverage: () => loadavg()[0] ?? 0,
          log,
        });
      } finally {
        await off.server?.stop();
        await on.server?.stop();
      }
    }
  } finally {
    await upstream.stop();
  }
  const result: OverheadResult = {
    date,
    command: `npm run bench:overhead -- ${process.argv.slice(2).join(' ')}`.trim().replace(/ --$/, ''),
    machine: {
      node: process.version,
      cpus: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: Math.round(totalmem() / 1024 ** 3),
    },
    upstream: upstreamKind as OverheadResult['upstream'],
    tollgateWorkers: workers,
    durationSeconds,
    warmupSeconds,
    cells,
    memory,
    ...(nodeFlags ? { tollgateNodeFlags: nodeFlags } : {}),
    ...(ledgerRoundsResult ? { ledgerRounds: ledgerRoundsResult } : {}),
  };
  const file = join(resultsDir, `overhead-${date.replace(/[:.]/g, '-')}.json.tmp`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(
    `\n${result.command} — ${date}\nnode ${result.machine.node}, ${result.machine.cpus} × ${result.machine.cpuModel}, ${result.machine.memoryGb} GB; ${upstreamKind} upstream; Tollgate workers: ${workers}\n\n${formatOverheadReport(result)}\n${ledgerRoundsResult ? `\n${formatLedgerRounds(ledgerRoundsResult)}\n` : ''}\nResults: ${file}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
