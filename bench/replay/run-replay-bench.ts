/**
 * The replay bar, on the real data in ../shared/data (not shipped with the project):
 *
 * - RouterBench (arc_challenge, mbpp, winogrande) replayed as traffic, routed by a learned router
 *   cross-fitted over 5 folds: quality and cost per configuration;
 * - the Azure 2023 conversation (and code) hour: how long the replay takes, and what it costs;
 * - Mooncake's conversation trace: provider prefix-cache savings, OpenAI-style (automatic) and
 *   Anthropic-style (cache_control breakpoints placed by the gateway).
 *
 * Usage: npm run bench:replay [-- routerbench azure mooncake routerbench-sweep] [--mooncake-requests N]
 *        [--targets 0.7,0.85,0.9]   (routerbench-sweep runs only when named)
 * Writes each report as JSON and SVG under .tollgate/replay/bench/, prints the tables, and writes
 * bench/results/replay-<part>.md with the command, the date, the machine's load and the timings.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeReplayOutputs } from '../../src/cli/run-replay-command.js';
import { defaultReplayConfig } from '../../src/replay/engine/default-replay-config.js';
import type { ReplayReport } from '../../src/replay/engine/replay-report.js';
import { runReplay } from '../../src/replay/engine/run-replay.js';
import { formatReplayTable } from '../../src/replay/report/format-replay-table.js';
import { runCrossFittedReplay } from '../../src/replay/routerbench/run-cross-fitted-replay.js';
import {
  benchmarkOf,
  parseRouterBenchPrompts,
  type RouterBenchPrompt,
} from '../../src/replay/trace/read-routerbench-trace.js';
import { loadTrace, type TraceSource } from '../../src/replay/trace/read-trace.js';
import { readTraceText } from '../../src/replay/trace/read-trace-text.js';

const DATA = resolve('../shared/data');
const OUT = '.tollgate/replay/bench';
const RESULTS = 'bench/results';

function need(path: string): string {
  if (!existsSync(path)) {
    process.stderr.write(
      `bench:replay needs the evaluation data at ${DATA} (see ../shared/data/README.md); ${path} is missing.\n`,
    );
    process.exit(1);
  }
  return path;
}

function load(): string {
  return loadavg()
    .map((value) => value.toFixed(1))
    .join(' / ');
}

/** How long a run took: wall time (from reading the trace to the report) and CPU time. */
interface Timing {
  wallMs: number;
  loadAtStart: string;
}

function timingLine(report: ReplayReport, timing: Timing): string {
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  const workers = report.workerCpuMs ?? [];
  const main = (report.cpuMs ?? 0) - workers.reduce((sum, value) => sum + value, 0);
  const critical = main + Math.max(0, ...workers);
  const parts = [
    `wall ${seconds(timing.wallMs)} (trace read and replay)`,
    `CPU ${seconds(report.cpuMs ?? 0)}`,
    workers.length > 0
      ? `main process ${seconds(main)} + ${workers.length} worker processes ${workers.map(seconds).join(', ')}`
      : 'one process',
    workers.length > 0 ? `critical path ${seconds(critical)} (the wall time on idle cores, one per worker)` : '',
    `load average at start ${timing.loadAtStart} on ${availableParallelism()} cores`,
  ];
  return parts.filter((part) => part !== '').join('; ');
}

async function publish(options: {
  name: string;
  title: string;
  command: string;
  reports: { report: ReplayReport; timing: Timing }[];
}): Promise<void> {
  const sections = [
    `# ${options.title}`,
    '',
    `\`${options.command}\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
  ];
  for (const { report, timing } of options.reports) {
    const prefix = `${OUT}/${options.name}${options.reports.length > 1 ? `-${report.trace.name.replace(/[^A-Za-z0-9._-]+/g, '-')}` : ''}`;
    const written = await writeReplayOutputs(report, prefix);
    const table = formatReplayTable(report);
    process.stdout.write(
      `\n=== ${options.name}\n${table}${timingLine(report, timing)}\nWritten: ${written.join(', ')}\n`,
    );
    sections.push('', '```', table.trimEnd(), '```', '', `Timing: ${timingLine(report, timing)}.`);
  }
  await mkdir(RESULTS, { recursive: true });
  await writeFile(`${RESULTS}/replay-${options.name}.md`, `${sections.join('\n')}\n`, 'utf8');
}

async function timed(run: () => Promise<ReplayReport>): Promise<{ report: ReplayReport; timing: Timing }> {
  const loadAtStart = load();
  const started = performance.now();
  const report = await run();
  return { report, timing: { wallMs: performance.now() - started, loadAtStart } };
}

async function routerBench(): Promise<void> {
  const files = ['arc_challenge', 'mbpp', 'winograde'].map((name) =>
    need(`${DATA}/routing/routerbench_${name}_train.csv`),
  );
  const result = await timed(async () => {
    const prompts = [];
    for (const file of files) prompts.push(...parseRouterBenchPrompts(await readTraceText(file), benchmarkOf(file)));
    return runCrossFittedReplay({
      prompts,
      name: 'RouterBench arc_challenge + mbpp + winogrande (train)',
      folds: 5,
      onStep: (message) => process.stderr.write(`${message}\n`),
    });
  });
  await publish({
    name: 'routerbench',
    title: 'Replay of RouterBench with a cross-fitted learned router',
    command: 'npm run bench:replay -- routerbench',
    reports: [result],
  });
}

/**
 * The learned router's one knob, `routing.target_quality`, swept: routing only, cross-fitted as above,
 * one replay per target (the fold split and the fitted routers are the same for each).
 */
async function routerBenchSweep(targets: readonly number[]): Promise<void> {
  const files = ['arc_challenge', 'mbpp', 'winograde'].map((name) =>
    need(`${DATA}/routing/routerbench_${name}_train.csv`),
  );
  const prompts: RouterBenchPrompt[] = [];
  for (const file of files) prompts.push(...parseRouterBenchPrompts(await readTraceText(file), benchmarkOf(file)));
  const reports = [];
  for (const target of targets) {
    const base = defaultReplayConfig();
    const result = await timed(() =>
      runCrossFittedReplay({
        prompts,
        name: `RouterBench, routing.target_quality ${target}`,
        folds: 5,
        variants: ['routing'],
        config: { ...base, routing: { ...((base.routing as object | undefined) ?? {}), target_quality: target } },
        onStep: (message) => process.stderr.write(`target ${target}: ${message}\n`),
      }),
    );
    reports.push(result);
  }
  await publish({
    name: 'routerbench-sweep',
    title: 'RouterBench: routing only at several target qualities (cross-fitted learned router)',
    command: `npm run bench:replay -- routerbench-sweep --targets ${targets.join(',')}`,
    reports,
  });
}

async function replayFile(source: TraceSource, config?: Record<string, unknown>) {
  return timed(async () => {
    const trace = await loadTrace(source);
    return runReplay({
      trace,
      source,
      progress: process.stderr,
      ...(config ? { config, configSource: 'Anthropic line-up' } : {}),
    });
  });
}

async function azure(): Promise<void> {
  const reports = [];
  for (const name of ['conv', 'code']) {
    reports.push(await replayFile({ paths: [need(`${DATA}/traces/azure_llm_2023_${name}.csv`)] }));
  }
  await publish({
    name: 'azure',
    title: 'Replay of the Azure LLM inference traces (2023, one hour each)',
    command: 'npm run bench:replay -- azure',
    reports,
  });
}

/** Every tier on Anthropic models: the baseline (no breakpoints) against the gateway's cache_control. */
function anthropicConfig(): Record<string, unknown> {
  const base = defaultReplayConfig();
  return {
    ...base,
    tiers: {
      fast: { deployments: ['anthropic/claude-haiku-4-5'], quality: 0.6 },
      balanced: { deployments: ['anthropic/claude-sonnet-4-6'], quality: 0.8 },
      premium: { deployments: ['anthropic/claude-opus-4-7'], quality: 0.95 },
    },
    baseline: 'anthropic/claude-sonnet-4-6',
  };
}

async function mooncake(requests: number | undefined): Promise<void> {
  const source: TraceSource = {
    paths: [need(`${DATA}/traces/mooncake_conversation.jsonl`)],
    ...(requests === undefined ? {} : { slice: { limit: requests } }),
  };
  const openai = await replayFile(source);
  openai.report.trace.name = `${openai.report.trace.name} (OpenAI line-up)`;
  const anthropic = await replayFile(source, anthropicConfig());
  anthropic.report.trace.name = `${anthropic.report.trace.name} (Anthropic line-up)`;
  await publish({
    name: 'mooncake',
    title: 'Replay of the Mooncake conversation trace: provider prefix caching',
    command: `npm run bench:replay -- mooncake${requests === undefined ? '' : ` --mooncake-requests ${requests}`}`,
    reports: [openai, anthropic],
  });
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'mooncake-requests': { type: 'string' }, targets: { type: 'string' } },
});
const parts = positionals.length > 0 ? positionals : ['routerbench', 'azure', 'mooncake'];
if (parts.includes('routerbench')) await routerBench();
if (parts.includes('routerbench-sweep')) {
  await routerBenchSweep((values.targets ?? '0.7,0.85,0.9').split(',').map(Number));
}
if (parts.includes('azure')) await azure();
if (parts.includes('mooncake')) {
  const limit = values['mooncake-requests'];
  await mooncake(limit === undefined ? undefined : Number(limit));
}
