/**
 * The replay bar, on the real data in ../shared/data (not shipped with the project):
 *
 * - RouterBench (arc_challenge, mbpp, winogrande) replayed as traffic, routed by a learned router
 *   cross-fitted over 5 folds: quality and cost per configuration;
 * - the Azure 2023 conversation (and code) hour: how long the replay takes, and what it costs;
 * - Mooncake's conversation trace: provider prefix-cache savings, OpenAI-style (automatic) and
 *   Anthropic-style (cache_control breakpoints placed by the gateway).
 *
 * Usage: npm run bench:replay [-- routerbench azure mooncake] [--mooncake-requests N]
 * Writes each report as JSON and SVG under .tollgate/replay/bench/ and prints the tables.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeReplayOutputs } from '../../src/cli/run-replay-command.js';
import { defaultReplayConfig } from '../../src/replay/engine/default-replay-config.js';
import type { ReplayReport } from '../../src/replay/engine/replay-report.js';
import { runReplay } from '../../src/replay/engine/run-replay.js';
import { formatReplayTable } from '../../src/replay/report/format-replay-table.js';
import { runCrossFittedReplay } from '../../src/replay/routerbench/run-cross-fitted-replay.js';
import { benchmarkOf, parseRouterBenchPrompts } from '../../src/replay/trace/read-routerbench-trace.js';
import { loadTrace, type TraceSource } from '../../src/replay/trace/read-trace.js';
import { readTraceText } from '../../src/replay/trace/read-trace-text.js';

const DATA = resolve('../shared/data');
const OUT = '.tollgate/replay/bench';

function need(path: string): string {
  if (!existsSync(path)) {
    process.stderr.write(
      `bench:replay needs the evaluation data at ${DATA} (see ../shared/data/README.md); ${path} is missing.\n`,
    );
    process.exit(1);
  }
  return path;
}

async function publish(name: string, report: ReplayReport): Promise<void> {
  const written = await writeReplayOutputs(report, `${OUT}/${name}`);
  process.stdout.write(`\n=== ${name}\n${formatReplayTable(report)}Written: ${written.join(', ')}\n`);
}

async function routerBench(): Promise<void> {
  const files = ['arc_challenge', 'mbpp', 'winograde'].map((name) =>
    need(`${DATA}/routing/routerbench_${name}_train.csv`),
  );
  const prompts = [];
  for (const file of files) prompts.push(...parseRouterBenchPrompts(await readTraceText(file), benchmarkOf(file)));
  const report = await runCrossFittedReplay({
    prompts,
    name: 'RouterBench arc_challenge + mbpp + winogrande (train)',
    folds: 5,
    onStep: (message) => process.stderr.write(`${message}\n`),
  });
  await publish('routerbench-cross-fitted', report);
}

async function azure(name: 'conv' | 'code'): Promise<void> {
  const source: TraceSource = { paths: [need(`${DATA}/traces/azure_llm_2023_${name}.csv`)] };
  const trace = await loadTrace(source);
  const report = await runReplay({ trace, source, progress: process.stderr });
  await publish(`azure-${name}`, report);
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

async function mooncake(requests: number): Promise<void> {
  const source: TraceSource = {
    paths: [need(`${DATA}/traces/mooncake_conversation.jsonl`)],
    slice: { limit: requests },
  };
  const trace = await loadTrace(source);
  await publish('mooncake-openai', await runReplay({ trace, source, progress: process.stderr }));
  await publish(
    'mooncake-anthropic',
    await runReplay({
      trace,
      source,
      config: anthropicConfig(),
      configSource: 'Anthropic line-up',
      progress: process.stderr,
    }),
  );
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'mooncake-requests': { type: 'string' } },
});
const parts = positionals.length > 0 ? positionals : ['routerbench', 'azure', 'mooncake'];
if (parts.includes('routerbench')) await routerBench();
if (parts.includes('azure')) {
  await azure('conv');
  await azure('code');
}
if (parts.includes('mooncake')) await mooncake(Number(values['mooncake-requests'] ?? 2000));
