import { basename } from 'node:path';
import { buildOutcomeTable } from '../../routing/learned/outcome-row.js';
import { parseRouterBenchCsv } from '../../routing/learned/read-routerbench-csv.js';
import { GatewayError } from '../../spec/index.js';
import { readTraceText } from './read-trace-text.js';
import { DEFAULT_UNTIMED_RATE, untimedArrival } from './trace-clock.js';
import type { Trace, TraceRequest } from './trace-request.js';

/**
 * Which RouterBench model each tier stands for when quality is scored: the answer of a tier is scored
 * with the recorded score of its model on the same prompt. Small, mid and frontier models of the
 * published data (means on the three train files: 0.56 / 0.74 / 0.87 at $0.00009 / $0.00026 / $0.0048).
 */
export const DEFAULT_ROUTERBENCH_TIERS: Readonly<Record<string, string>> = Object.freeze({
  fast: 'mistralai/mistral-7b-chat',
  balanced: 'mistralai/mixtral-8x7b-chat',
  premium: 'gpt-4-1106-preview',
});

/** One RouterBench prompt with the recorded outcome of every model. */
export interface RouterBenchPrompt {
  prompt: string;
  /** The benchmark (from the file name: `mbpp`, `arc_challenge`, …). */
  benchmark: string;
  /** Score (0–1) per RouterBench model. */
  scores: Record<string, number>;
  /** Recorded cost per RouterBench model, USD. */
  costs: Record<string, number>;
}

/** The benchmark a RouterBench file holds, from its name (`routerbench_mbpp_train.csv` → `mbpp`). */
export function benchmarkOf(path: string): string {
  return basename(path)
    .replace(/\.csv(\.gz)?$/, '')
    .replace(/^routerbench_/, '')
    .replace(/_(train|test|val)$/, '');
}

/** The prompts of a RouterBench CSV with their per-model outcomes (models lacking either number are left out). */
export function parseRouterBenchPrompts(text: string, benchmark: string): RouterBenchPrompt[] {
  const { rows } = parseRouterBenchCsv(text);
  const table = buildOutcomeTable(rows);
  return table.prompts.map((prompt, index) => {
    const scores: Record<string, number> = {};
    const costs: Record<string, number> = {};
    table.models.forEach((model, column) => {
      const score = table.scores[index]?.[column];
      const cost = table.costs[index]?.[column];
      if (score !== undefined && Number.isFinite(score)) scores[model] = score;
      if (cost !== undefined && Number.isFinite(cost)) costs[model] = cost;
    });
    return { prompt, benchmark, scores, costs };
  });
}

/** Options for {@link routerBenchTrace}. */
export interface RouterBenchTraceOptions {
  name: string;
  /** Tier → RouterBench model whose recorded outcome scores that tier (default {@link DEFAULT_ROUTERBENCH_TIERS}). */
  tierModels?: Readonly<Record<string, string>>;
  /** Arrivals per second (RouterBench records no times; default 1). */
  ratePerSecond?: number;
}

/**
 * RouterBench prompts as traffic: one single-turn request per prompt, tenant `routerbench`, feature the
 * benchmark, with `outcomes` (the recorded score of each tier's model on that prompt) and
 * `recordedCostUsd`, so that a replay measures quality rather than assuming it. Prompts missing an
 * outcome for a mapped model are left out.
 */
export function routerBenchTrace(prompts: readonly RouterBenchPrompt[], options: RouterBenchTraceOptions): Trace {
  const tierModels = options.tierModels ?? DEFAULT_ROUTERBENCH_TIERS;
  const rate = options.ratePerSecond ?? DEFAULT_UNTIMED_RATE;
  const requests: TraceRequest[] = [];
  let skipped = 0;
  for (const item of prompts) {
    const outcomes: Record<string, number> = {};
    const recordedCostUsd: Record<string, number> = {};
    let complete = true;
    for (const [tier, model] of Object.entries(tierModels)) {
      const score = item.scores[model];
      const cost = item.costs[model];
      if (score === undefined || cost === undefined) complete = false;
      else {
        outcomes[tier] = score;
        recordedCostUsd[tier] = cost;
      }
    }
    if (!complete) {
      skipped += 1;
      continue;
    }
    const index = requests.length;
    const prompt = item.prompt;
    requests.push({
      index,
      atMs: untimedArrival(index, rate),
      body: () => ({ model: 'auto', messages: [{ role: 'user', content: prompt }] }),
      tenant: 'routerbench',
      feature: item.benchmark.replace(/[^A-Za-z0-9._:/-]/g, '-').slice(0, 64),
      outcomes,
      recordedCostUsd,
    });
  }
  if (requests.length === 0) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${options.name}: no prompt has outcomes for every mapped model (${Object.values(tierModels).join(', ')})`,
    });
  }
  const mapping = Object.entries(tierModels)
    .map(([tier, model]) => `${tier} = ${model}`)
    .join(', ');
  const notes = [
    `Quality is the recorded RouterBench score of the model each answering tier stands for (${mapping}); recorded cost is what those models cost on these prompts.`,
    `No timestamps: requests arrive at ${rate}/s.`,
    'A semantic-cache hit on a different prompt is scored 0: its answer was recorded for another question.',
  ];
  if (skipped > 0) notes.push(`${skipped} prompts lacked an outcome for a mapped model and were left out.`);
  return { name: options.name, format: 'routerbench', requests, contentFree: false, notes };
}

/** Reads one or more RouterBench CSV files as one trace; see {@link routerBenchTrace}. */
export async function readRouterBenchTrace(
  paths: readonly string[],
  options: Omit<RouterBenchTraceOptions, 'name'> = {},
): Promise<Trace> {
  const prompts: RouterBenchPrompt[] = [];
  for (const path of paths) prompts.push(...parseRouterBenchPrompts(await readTraceText(path), benchmarkOf(path)));
  return routerBenchTrace(prompts, { name: paths.map((path) => basename(path)).join(' + '), ...options });
}
