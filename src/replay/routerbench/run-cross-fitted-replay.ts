import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../config/load-config.js';
import { splitFoldsByPrompt } from '../../routing/evaluation/split-folds-by-prompt.js';
import { fitRouter } from '../../routing/learned/fit-router.js';
import { saveRouter } from '../../routing/learned/load-router.js';
import type { OutcomeRow } from '../../routing/learned/outcome-row.js';
import { GatewayError } from '../../spec/index.js';
import { type KnownVectors, MAX_KNOWN_VECTORS } from '../engine/create-shared-embedder.js';
import { defaultReplayConfig } from '../engine/default-replay-config.js';
import { mergeReports } from '../engine/merge-reports.js';
import { embedInWorkers } from '../engine/replay-in-workers.js';
import type { ReplayReport } from '../engine/replay-report.js';
import { type RunReplayOptions, runReplay } from '../engine/run-replay.js';
import { lastUserText } from '../trace/last-user-text.js';
import {
  DEFAULT_ROUTERBENCH_TIERS,
  type RouterBenchPrompt,
  routerBenchTrace,
} from '../trace/read-routerbench-trace.js';
import type { Trace } from '../trace/trace-request.js';

/** Options for {@link runCrossFittedReplay}. */
export interface CrossFittedReplayOptions extends Omit<RunReplayOptions, 'trace' | 'config' | 'timeline'> {
  prompts: readonly RouterBenchPrompt[];
  /** Name in the report. */
  name: string;
  /** Folds (default 5): each is replayed with a router fitted on all the others. */
  folds?: number;
  /** Seed of the fold split (default 42). */
  foldSeed?: number;
  /** Tier → RouterBench model (default {@link DEFAULT_ROUTERBENCH_TIERS}). */
  tierModels?: Readonly<Record<string, string>>;
  /** The config document to derive the configurations from (default: the built-in replay config). */
  config?: unknown;
  /** Arrivals per second (default 1). */
  ratePerSecond?: number;
  /** Told what is happening (fitting fold 2 of 5, …). */
  onStep?: (message: string) => void;
}

function withLearnedRouter(document: unknown, path: string): Record<string, unknown> {
  const base = structuredClone((document ?? {}) as Record<string, unknown>);
  const routing = (base.routing ?? {}) as Record<string, unknown>;
  return { ...base, routing: { ...routing, classifier: 'learned', learned_model: path } };
}

/** Fewest prompts worth embedding in worker processes. */
const EMBED_AHEAD_MINIMUM = 300;

/**
 * Every prompt embedded once, up front, in worker processes (one per core, at most two), when the
 * configurations have a semantic cache and no embedder was given: each fold is replayed in this
 * process and would otherwise embed its prompts on one core.
 */
async function embedAhead(options: CrossFittedReplayOptions, trace: Trace): Promise<KnownVectors[] | undefined> {
  if (options.embedder || options.known || options.prefetch === 0) return options.known;
  if (options.variants && !options.variants.some((name) => name === 'cache' || name === 'full')) return undefined;
  const { config } = validateConfig({
    document: options.config ?? defaultReplayConfig(),
    source: 'the replay config',
    environment: options.environment ?? process.env,
  });
  if (!config.cache.enabled || !config.cache.semantic.enabled) return undefined;
  const texts = [...new Set(trace.requests.map(lastUserText).filter((text) => text.trim() !== ''))];
  // A few hundred prompts embed in this process faster than worker processes start.
  if (texts.length < EMBED_AHEAD_MINIMUM || texts.length > MAX_KNOWN_VECTORS) return undefined;
  options.onStep?.(`embedding ${texts.length.toLocaleString('en-US')} prompts for the semantic cache`);
  return embedInWorkers({ texts, workers: Math.min(2, availableParallelism()) });
}

/**
 * RouterBench replayed as traffic with a learned router that never saw the prompts it routes: the
 * prompts are split into folds (by prompt, seeded); for each fold a router is fitted on the other
 * folds' recorded outcomes of the tiers' models and written as `router.json`, the config switches to
 * `routing.classifier: learned` with it, and that fold is replayed through all four configurations.
 * The folds' reports are added up, so every prompt is routed exactly once, out of sample.
 */
export async function runCrossFittedReplay(options: CrossFittedReplayOptions): Promise<ReplayReport> {
  const tierModels = options.tierModels ?? DEFAULT_ROUTERBENCH_TIERS;
  const complete = options.prompts.filter((prompt) =>
    Object.values(tierModels).every((model) => prompt.scores[model] !== undefined && prompt.costs[model] !== undefined),
  );
  const folds = options.folds ?? 5;
  if (complete.length < folds * 2) {
    throw new GatewayError({ code: 'invalid_request', message: `Cross-fitting needs at least ${folds * 2} prompts` });
  }
  const trace = routerBenchTrace(complete, {
    name: options.name,
    tierModels,
    ...(options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond }),
  });
  const modelsMap = Object.fromEntries(Object.entries(tierModels).map(([tier, model]) => [model, tier]));
  const split = splitFoldsByPrompt({
    promptIndices: complete.map((_, index) => index),
    folds,
    seed: options.foldSeed ?? 42,
  });
  const timeline = { startMs: trace.requests[0]?.atMs ?? 0, endMs: trace.requests.at(-1)?.atMs ?? 0 };
  const known = await embedAhead(options, trace);
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-replay-router-'));
  const reports: ReplayReport[] = [];
  try {
    for (const [fold, held] of split.entries()) {
      const heldOut = new Set(held);
      const rows: OutcomeRow[] = [];
      complete.forEach((item, index) => {
        if (heldOut.has(index)) return;
        for (const model of Object.values(tierModels)) {
          rows.push({
            prompt: item.prompt,
            model,
            score: item.scores[model] as number,
            costUsd: item.costs[model] as number,
          });
        }
      });
      options.onStep?.(
        `fold ${fold + 1}/${split.length}: fitting the learned router on ${complete.length - held.length} prompts`,
      );
      const router = fitRouter({ rows, options: { modelsMap } });
      const path = join(directory, `router-fold-${fold + 1}.json`);
      await saveRouter({ router, path });
      options.onStep?.(`fold ${fold + 1}/${split.length}: replaying ${held.length} held-out prompts`);
      const foldTrace = { ...trace, requests: trace.requests.filter((request) => heldOut.has(request.index)) };
      const { prompts: _prompts, name: _name, folds: _folds, foldSeed: _seed, onStep: _onStep, ...rest } = options;
      reports.push(
        await runReplay({
          ...rest,
          trace: foldTrace,
          config: withLearnedRouter(options.config ?? defaultReplayConfig(), path),
          configSource: `${options.config === undefined ? 'the built-in replay config' : 'the given config'} with fold ${fold + 1}'s learned router`,
          timeline,
          ...(known ? { known } : {}),
        }),
      );
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
  return mergeReports(reports, {
    name: options.name,
    notes: [
      `Routing: the learned router (routing.classifier: learned), cross-fitted: ${split.length} folds split by prompt (seed ${options.foldSeed ?? 42}); each fold is routed by a router fitted on the other ${split.length - 1}, so no prompt is routed by a router that saw its outcome.`,
    ],
  });
}
