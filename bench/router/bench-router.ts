/**
 * `npm run bench:router`: how long the learned router takes to train on each RouterBench file in
 * `../shared/data/routing/`, and how long a routing decision takes per request:
 * - `learned.choose`: the learned router alone (featurise the prompt, score, apply the knob), with the
 *   data's 11 models mapped onto three tiers as the gateway would see them;
 * - `auto (learned)` and `auto (heuristic)`: the whole policy router for `model: "auto"` through
 *   `resolveRoute` (prompt extraction, classifier, task type, allow-lists, latency and cost rules).
 * Every prompt of every file is decided `--rounds` times (default 3) after one warm-up round; the
 * table gives p50 / p99 / max per request, in wall-clock time and in CPU time of the process
 * (`process.cpuUsage`, which also counts the garbage collector's threads). On a shared machine the
 * wall-clock tail is mostly time spent descheduled; the CPU time is what the decision itself costs.
 * The load average at the start is in the header. Writes bench/results/router-bench.md (and the raw figures to router-bench.json.tmp).
 *
 * Usage: npm run bench:router [-- --rounds 5 --fit-repeats 3]
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { validateConfig } from '../../src/config/load-config.js';
import { createRuntime } from '../../src/gateway/create-runtime.js';
import type { RequestContext } from '../../src/gateway/request-context.js';
import { openAiProtocol } from '../../src/protocols/openai/openai-protocol.js';
import { createSimulatedTransport } from '../../src/providers/simulated/create-simulated-transport.js';
import { fitRouter } from '../../src/routing/learned/fit-router.js';
import type { LearnedRouter } from '../../src/routing/learned/learned-router.js';
import type { OutcomeRow } from '../../src/routing/learned/outcome-row.js';
import { readRouterBenchCsv } from '../../src/routing/learned/read-routerbench-csv.js';
import { createPolicyRouter } from '../../src/routing/policy/create-policy-router.js';
import type { ChatRequest } from '../../src/spec/index.js';
import type { BudgetState } from '../../src/stages/budget/budget-layer.js';
import { noLatencyData } from '../../src/stages/route/latency-estimator.js';
import { type AutoRouter, resolveRoute } from '../../src/stages/route/resolve-route.js';

const DATA_DIRECTORY = resolve('..', 'shared', 'data', 'routing');
const NAMES = ['arc_challenge', 'mbpp', 'winograde'] as const;
const RESULTS = resolve('bench', 'results');

/** RouterBench's models grouped into three tiers by price, as a deployment would map them. */
const MODELS_MAP: Record<string, string> = {
  'mistralai/mistral-7b-chat': 'fast',
  'WizardLM/WizardLM-13B-V1.2': 'fast',
  'meta/code-llama-instruct-34b-chat': 'fast',
  'mistralai/mixtral-8x7b-chat': 'balanced',
  'zero-one-ai/Yi-34B-Chat': 'balanced',
  'claude-instant-v1': 'balanced',
  'gpt-3.5-turbo-1106': 'balanced',
  'meta/llama-2-70b-chat': 'balanced',
  'claude-v1': 'premium',
  'claude-v2': 'premium',
  'gpt-4-1106-preview': 'premium',
};

const CONFIG = {
  providers: [
    {
      name: 'sim',
      kind: 'simulated',
      models: [
        { name: 'small', price_as: 'gpt-5.4-nano' },
        { name: 'medium', price_as: 'gpt-5.4-mini' },
        { name: 'large', price_as: 'gpt-5.5' },
      ],
    },
  ],
  tiers: {
    fast: { deployments: ['sim/small'], quality: 0.6 },
    balanced: { deployments: ['sim/medium'], quality: 0.8 },
    premium: { deployments: ['sim/large'], quality: 0.95 },
  },
};

interface LatencySummary {
  requests: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

interface FileResult {
  file: string;
  prompts: number;
  fitSeconds: number[];
  /** Per decider: wall-clock time (includes being descheduled on a busy machine) and CPU time. */
  decisions: Record<string, { wall: LatencySummary; cpu: LatencySummary }>;
}

function summarise(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((left, right) => left - right);
  const at = (share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? Number.NaN;
  return {
    requests: sorted.length,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
    meanMs: sorted.reduce((sum, value) => sum + value, 0) / Math.max(1, sorted.length),
  };
}

/** Wall-clock and CPU milliseconds per decision (see the note on CPU time in the file's header). */
function time(options: { rounds: number; prompts: readonly string[]; decide: (prompt: string) => void }): {
  wall: number[];
  cpu: number[];
} {
  const { rounds, prompts, decide } = options;
  for (const prompt of prompts) decide(prompt);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const prompt of prompts) {
      const cpuStarted = process.cpuUsage();
      const started = performance.now();
      decide(prompt);
      wall.push(performance.now() - started);
      const used = process.cpuUsage(cpuStarted);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  return { wall, cpu };
}

function context(): RequestContext {
  return {
    requestId: 'bench',
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: 'default',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

function policyDecider(learned: LearnedRouter | undefined): (prompt: string) => void {
  const { config } = validateConfig({
    document: { ...CONFIG, routing: { classifier: learned ? 'learned' : 'heuristic' } },
    source: 'bench',
    environment: {},
  });
  const runtime = createRuntime({ config, simulated: false, transport: createSimulatedTransport({}), environment: {} });
  const autoRouter: AutoRouter = createPolicyRouter({ config: config.routing, ...(learned ? { learned } : {}) });
  const budget: BudgetState = { level: 'ok', utilisation: 0, budget: undefined, remainingUsd: undefined };
  const shared = context();
  return (prompt) => {
    const request: ChatRequest = {
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
      stream: false,
    };
    resolveRoute({ request, context: shared, runtime, autoRouter, budget, latency: noLatencyData });
  };
}

async function benchFile(options: { path: string; rounds: number; fitRepeats: number }): Promise<FileResult> {
  const { rows } = await readRouterBenchCsv(options.path);
  const prompts = [...new Set(rows.map((row: OutcomeRow) => row.prompt))];
  const fitSeconds: number[] = [];
  let router: LearnedRouter | undefined;
  for (let repeat = 0; repeat < options.fitRepeats; repeat += 1) {
    const started = performance.now();
    router = fitRouter({ rows, options: { modelsMap: MODELS_MAP } });
    fitSeconds.push((performance.now() - started) / 1000);
  }
  const learned = router as LearnedRouter;
  const tiers = [{ id: 'fast' }, { id: 'balanced' }, { id: 'premium' }];
  const deciders: Record<string, (prompt: string) => void> = {
    'learned.choose': (prompt) => learned.choose({ prompt, candidates: tiers, targetQuality: 0.8 }),
    'auto (learned)': policyDecider(learned),
    'auto (heuristic)': policyDecider(undefined),
  };
  const decisions: Record<string, { wall: LatencySummary; cpu: LatencySummary }> = {};
  for (const [name, decide] of Object.entries(deciders)) {
    const samples = time({ rounds: options.rounds, prompts, decide });
    decisions[name] = { wall: summarise(samples.wall), cpu: summarise(samples.cpu) };
  }
  return { file: options.path, prompts: prompts.length, fitSeconds, decisions };
}

function formatMarkdown(results: FileResult[], header: string): string {
  const lines = [
    header,
    '',
    '| data set | prompts | fit s (full file) | decision | wall p50 ms | wall p99 ms | wall max ms | CPU p50 ms | CPU p99 ms | CPU mean ms |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const result of results) {
    const name = result.file.replace(/^.*\//, '').replace(/\.csv$/, '');
    const fit = result.fitSeconds.map((seconds) => seconds.toFixed(1)).join(' / ');
    for (const [decision, { wall, cpu }] of Object.entries(result.decisions)) {
      lines.push(
        `| ${name} | ${result.prompts} | ${fit} | ${decision} | ${wall.p50Ms.toFixed(3)} | ${wall.p99Ms.toFixed(3)} | ${wall.maxMs.toFixed(2)} | ${cpu.p50Ms.toFixed(3)} | ${cpu.p99Ms.toFixed(3)} | ${cpu.meanMs.toFixed(3)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { rounds: { type: 'string', default: '3' }, 'fit-repeats': { type: 'string', default: '1' } },
});
const rounds = Math.max(1, Number(values.rounds));
const fitRepeats = Math.max(1, Number(values['fit-repeats']));
const paths = NAMES.map((name) => join(DATA_DIRECTORY, `routerbench_${name}_train.csv`));
const missing = paths.filter((path) => !existsSync(path));
if (missing.length > 0) {
  process.stderr.write(
    `bench:router needs the RouterBench data (see ../shared/data/README.md); missing: ${missing.join(', ')}\n`,
  );
  process.exit(1);
}
const loadAtStart = loadavg();
const results: FileResult[] = [];
for (const path of paths) {
  process.stderr.write(`${path}: fitting and timing decisions…\n`);
  results.push(await benchFile({ path, rounds, fitRepeats }));
}
const header =
  `bench:router, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ` +
  `load average ${loadAtStart.map((value) => value.toFixed(1)).join(' ')} at start; ` +
  `${rounds} timed rounds over every prompt after one warm-up; command: npm run bench:router -- --rounds ${rounds} --fit-repeats ${fitRepeats}`;
const markdown = formatMarkdown(results, header);
process.stdout.write(markdown);
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'router-bench.md'), markdown);
writeFileSync(join(RESULTS, 'router-bench.json.tmp'), `${JSON.stringify({ header, results }, null, 2)}\n`);
