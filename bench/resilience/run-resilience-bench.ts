/**
 * `npm run bench:resilience [-- --duration S] [--rounds N] [--connections C] [--iterations N]`
 *
 * What budgets, virtual keys, rate limits, concurrency slots and circuit breakers add to a request:
 * 1. the layers alone, in process (no HTTP), at microsecond precision, in memory and on Redis;
 * 2. through HTTP with autocannon against gateway processes in front of the in-process simulated
 *    provider (ttft 0, so the gateway is all there is): the bare core, the core with every layer on
 *    in memory, on Redis, and three instances sharing Redis beside three bare cores. Cells run
 *    interleaved, round after round, and the median over rounds is reported, because a shared
 *    machine drifts between cells.
 * Needs Redis at TOLLGATE_TEST_REDIS_URL (default redis://127.0.0.1:6379).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { type HttpLoad, measureHttpLoad } from './measure-http-load.js';
import { type LayerCost, measureLayerCost } from './measure-layer-cost.js';
import { type GatewayProcess, startGatewayProcess } from './start-gateway-process.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '32' },
    iterations: { type: 'string', default: '5000' },
  },
});
const durationSeconds = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const iterations = Number(values.iterations);
const redisUrl = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const BODY = JSON.stringify({
  model: 'fast',
  max_tokens: 20,
  messages: [
    { role: 'system', content: 'You are a terse assistant.' },
    { role: 'user', content: 'In one sentence: why do budgets need reserve-then-settle?' },
  ],
});

interface Scenario {
  name: string;
  layers: 'none' | 'memory' | 'redis';
  instances: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'core', layers: 'none', instances: 1 },
  { name: 'all on, memory', layers: 'memory', instances: 1 },
  { name: 'all on, Redis', layers: 'redis', instances: 1 },
  { name: 'core ×3', layers: 'none', instances: 3 },
  { name: 'all on, Redis ×3', layers: 'redis', instances: 3 },
];

interface Cell {
  scenario: string;
  light: HttpLoad;
  heavy: HttpLoad;
}

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function checkAnswers(processes: GatewayProcess[]): Promise<void> {
  for (const gateway of processes) {
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...gateway.headers },
      body: BODY,
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${gateway.url} answered ${response.status}: ${text.slice(0, 300)}`);
  }
}

async function runCell(scenario: Scenario, processes: GatewayProcess[]): Promise<Cell> {
  const targets = processes.map((gateway) => ({
    url: `${gateway.url}/v1/chat/completions`,
    headers: gateway.headers,
    body: BODY,
  }));
  const light = await measureHttpLoad({ targets, connectionsPerTarget: 1, durationSeconds });
  const heavy = await measureHttpLoad({
    targets,
    connectionsPerTarget: Math.max(1, Math.round(connections / processes.length)),
    durationSeconds,
  });
  log(
    `  ${scenario.name.padEnd(18)} c=1/instance p50 ${light.p50Ms.toFixed(3)} ms p99 ${light.p99Ms.toFixed(3)} ms | c=${connections} ${Math.round(heavy.requestsPerSecond)} req/s p50 ${heavy.p50Ms.toFixed(2)} ms p99 ${heavy.p99Ms.toFixed(2)} ms${light.failures + heavy.failures > 0 ? ` FAILURES ${light.failures + heavy.failures}` : ''}  (load ${loadavg()[0]?.toFixed(1)})`,
  );
  return { scenario: scenario.name, light, heavy };
}

async function cleanRedis(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-bench-resilience-'));
  const prefix = `tollgate-bench:${randomUUID()}:`;
  const processes = new Map<string, GatewayProcess[]>();
  try {
    log('1. the layers alone, in process');
    const costs: LayerCost[] = [];
    for (const store of ['memory', 'redis'] as const) {
      const cost = await measureLayerCost({
        store,
        redisUrl,
        prefix: `${prefix}layers:`,
        sqlitePath: join(folder, `layers-${store}.db`),
        iterations,
        concurrency: 64,
      });
      costs.push(cost);
      log(
        `  ${store.padEnd(6)} p50 ${cost.p50Us.toFixed(1)} µs  p99 ${cost.p99Us.toFixed(1)} µs  ${Math.round(cost.concurrentPerSecond)} req/s with 64 in flight`,
      );
    }

    log('2. through HTTP: starting gateway processes');
    for (const scenario of SCENARIOS) {
      const started = await Promise.all(
        Array.from({ length: scenario.instances }, (_, index) =>
          startGatewayProcess({
            layers: scenario.layers,
            redisUrl,
            prefix: `${prefix}http:`,
            sqlitePath: join(folder, `${scenario.name.replace(/\W+/g, '-')}-${index}.db`),
          }),
        ),
      );
      processes.set(scenario.name, started);
      await checkAnswers(started);
    }
    const cells: Cell[] = [];
    for (let round = 1; round <= rounds; round++) {
      log(`round ${round} of ${rounds} (${durationSeconds} s per load, warm-up first)`);
      for (const scenario of SCENARIOS) {
        const gateways = processes.get(scenario.name) ?? [];
        if (round === 1) {
          await measureHttpLoad({
            targets: gateways.map((gateway) => ({
              url: `${gateway.url}/v1/chat/completions`,
              headers: gateway.headers,
              body: BODY,
            })),
            connectionsPerTarget: 8,
            durationSeconds: 2,
          });
        }
        cells.push(await runCell(scenario, gateways));
      }
    }

    const core = cells.filter((cell) => cell.scenario === 'core');
    const coreP50 = median(core.map((cell) => cell.light.p50Ms));
    const lines = [
      '',
      `npm run bench:resilience -- --duration ${durationSeconds} --rounds ${rounds} --connections ${connections} --iterations ${iterations}`,
      `${new Date().toISOString()}; node ${process.version}; ${availableParallelism()} × ${cpus()[0]?.model ?? 'cpu'}; load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`,
      '',
      'Layers alone (budget state + reserve over 3 budgets, breaker + RPM + TPM admit, concurrency slot, report, settle):',
      '| store | p50 µs | p99 µs | req/s, 64 in flight |',
      '| --- | --- | --- | --- |',
      ...costs.map(
        (cost) =>
          `| ${cost.store} | ${cost.p50Us.toFixed(1)} | ${cost.p99Us.toFixed(1)} | ${Math.round(cost.concurrentPerSecond)} |`,
      ),
      '',
      `Through HTTP, medians over ${rounds} interleaved rounds of ${durationSeconds} s:`,
      `| scenario | c=1 p50 ms | c=1 p99 ms | added p50 vs core | c=${connections} req/s | c=${connections} p50 ms | c=${connections} p99 ms |`,
      '| --- | --- | --- | --- | --- | --- | --- |',
      ...SCENARIOS.map((scenario) => {
        const mine = cells.filter((cell) => cell.scenario === scenario.name);
        const p50 = median(mine.map((cell) => cell.light.p50Ms));
        return `| ${scenario.name} | ${p50.toFixed(3)} | ${median(mine.map((cell) => cell.light.p99Ms)).toFixed(3)} | ${scenario.instances === 1 ? `${(p50 - coreP50 >= 0 ? '+' : '') + (p50 - coreP50).toFixed(3)} ms` : '–'} | ${Math.round(median(mine.map((cell) => cell.heavy.requestsPerSecond)))} | ${median(mine.map((cell) => cell.heavy.p50Ms)).toFixed(2)} | ${median(mine.map((cell) => cell.heavy.p99Ms)).toFixed(2)} |`;
      }),
      '',
      'c=1: one connection per instance (latency); ×3 rows use three connections, one per instance.',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await Promise.all([...processes.values()].flat().map((gateway) => gateway.stop()));
    await cleanRedis(prefix).catch((error: unknown) => log(`could not clean Redis: ${String(error)}`));
    rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
