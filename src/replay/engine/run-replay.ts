import { availableParallelism } from 'node:os';
import type { Embedder } from '../../cache/embedders/embedder.js';
import { validateConfig } from '../../config/load-config.js';
import { createLogger, type Logger } from '../../logging/create-logger.js';
import { CATALOGUE_DATE } from '../../pricing/price-catalogue.js';
import { GatewayError } from '../../spec/index.js';
import { loadTrace, type TraceSource } from '../trace/read-trace.js';
import type { Trace } from '../trace/trace-request.js';
import { defaultReplayConfig } from './default-replay-config.js';
import { describeScenario, type PriceScenario } from './price-scenario.js';
import { replayInWorkers } from './replay-in-workers.js';
import { type LaneOutcome, replayVariants, type SeededVariant } from './replay-lanes.js';
import { createReplayProgress, type ProgressSink } from './replay-progress.js';
import type { ReplayReport, VariantResult } from './replay-report.js';
import { deriveVariants, prepareReplayConfig, type ReplayVariant, type VariantName } from './replay-variants.js';

/** Options for {@link runReplay}. */
export interface RunReplayOptions {
  /** The trace, already read. */
  trace?: Trace;
  /** Or where to read it: required for replaying in worker threads (each reads it again). */
  source?: TraceSource;
  /** A config document (parsed YAML); default: the built-in replay config (simulated, catalogue prices). */
  config?: unknown;
  /** Where `config` came from, for error messages. */
  configSource?: string;
  /** Replay at these prices (adds a `full-current` column: the full stack at today's prices). */
  scenario?: PriceScenario;
  /** Only these configurations (the baseline always runs: every saving is measured against it). */
  variants?: readonly VariantName[];
  /** Project a month from this many requests per month (for traces without real times). */
  requestsPerMonth?: number;
  /** Progress bar (stderr). */
  progress?: ProgressSink;
  /** Environment used to discover providers when the config names none (never for keys: nothing is called). */
  environment?: NodeJS.ProcessEnv;
  /** Gateway logs (default: silent). */
  logger?: Logger;
  /** An embedder for the semantic cache (default: the local model, loaded once per process); keeps the replay in one process. */
  embedder?: Embedder;
  /** Requests whose prompts are embedded ahead, in one batch (default 128; 0 turns prefetching off). */
  prefetch?: number;
  /** Seed of the simulated providers' randomness. */
  seed?: number;
  /** Time span of the cost-over-time buckets (default: the trace's), so that reports of parts of a trace add up. */
  timeline?: { startMs: number; endMs: number };
  /** Worker processes (default: one per core, at most two, when `source` is given; 1 replays in this process). */
  threads?: number;
}

/** Time buckets of the cost-over-time series. */
const BUCKETS = 48;
const MONTH_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_PREFETCH = 128;

function bucketEnds(startMs: number, endMs: number): number[] {
  const span = Math.max(1, endMs - startMs);
  return Array.from({ length: BUCKETS }, (_, index) => startMs + Math.round((span * (index + 1)) / BUCKETS));
}

/** Fills in what compares each column with the baseline: cost per million tokens of the traffic, saving. */
function finaliseResults(outcomes: readonly LaneOutcome[]): { results: VariantResult[]; trafficTokens: number } {
  const baseline = outcomes.find((outcome) => outcome.result.name === 'baseline');
  if (!baseline) throw new GatewayError({ code: 'internal', message: 'the replay lost its baseline column' });
  const trafficTokens = baseline.trafficTokens;
  const baselineCost = baseline.result.costUsd;
  const results = outcomes.map(({ result }) => ({
    ...result,
    costPerMillionTokensUsd: trafficTokens > 0 ? (result.costUsd / trafficTokens) * 1e6 : 0,
    savingVsBaseline: baselineCost > 0 ? 1 - result.costUsd / baselineCost : 0,
  }));
  return { results, trafficTokens };
}

/**
 * Deals configurations to worker processes round-robin: baseline, cache, routing, full becomes (baseline,
 * routing) and (cache, full), so the two configurations with a semantic cache share one embedder.
 */
function groupVariants(variants: readonly SeededVariant[], threads: number): SeededVariant[][] {
  const groups: SeededVariant[][] = Array.from({ length: Math.min(threads, variants.length) }, () => []);
  variants.forEach((variant, index) => {
    groups[index % groups.length]?.push(variant);
  });
  return groups;
}

/** The four configurations (and `full-current` beside a scenario) derived from the config. */
function planVariants(options: RunReplayOptions, trace: Trace): { variants: ReplayVariant[]; notes: string[] } {
  const { config: userConfig } = validateConfig({
    document: options.config ?? defaultReplayConfig(),
    source: options.configSource ?? (options.config === undefined ? 'the built-in replay config' : 'the given config'),
    environment: options.environment ?? process.env,
  });
  const longest = trace.longestOutputTokens === undefined ? {} : { longestOutputTokens: trace.longestOutputTokens };
  const prepared = prepareReplayConfig({
    config: userConfig,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...longest,
  });
  const wanted = new Set<VariantName>(['baseline', ...(options.variants ?? ['cache', 'routing', 'full'])]);
  const variants = deriveVariants(prepared.config).filter((variant) => wanted.has(variant.name));
  if (options.scenario && wanted.has('full')) {
    const current = prepareReplayConfig({ config: userConfig, ...longest });
    const full = deriveVariants(current.config).find((variant) => variant.name === 'full');
    if (full) variants.push({ ...full, name: 'full-current', label: 'full @ today' });
  }
  const notes = [...prepared.notes];
  if (trace.contentFree) {
    const baselineId = variants.find((variant) => variant.name === 'baseline')?.model ?? '';
    const baselineProvider = prepared.config.providers.find((provider) => baselineId.startsWith(`${provider.name}/`));
    if (
      baselineProvider?.simulation?.protocol !== 'anthropic' &&
      variants.some((variant) => variant.name === 'cache')
    ) {
      // No answer-cache hit is possible on unique filler prompts, and a provider that caches prefixes by
      // itself bills the baseline's prefixes the same with or without breakpoints: the column would
      // repeat the baseline's, so it is not run.
      variants.splice(
        variants.findIndex((variant) => variant.name === 'cache'),
        1,
      );
      notes.push(
        'No "cache only" column: on content-free prompts it equals the baseline (no answer-cache hit is possible, and the baseline model caches prefixes by itself).',
      );
    }
    for (const variant of variants) {
      // Filler prompts resemble each other: the semantic cache would "hit" where real traffic would not.
      variant.config = {
        ...variant.config,
        cache: { ...variant.config.cache, semantic: { ...variant.config.cache.semantic, enabled: false } },
      };
    }
  }
  return { variants, notes };
}

/**
 * Replays a trace through the real gateway once per configuration, side by side, on virtual clocks
 * (see `replayVariants`), in worker processes when the trace has a source to read it from, and builds
 * the report. Deterministic for a given trace, config and seed.
 */
export async function runReplay(options: RunReplayOptions): Promise<ReplayReport> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let trace = options.trace;
  if (!trace) {
    if (!options.source)
      throw new GatewayError({ code: 'invalid_request', message: 'runReplay needs a trace or a source' });
    trace = await loadTrace(options.source);
  }
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const { variants, notes } = planVariants(options, trace);
  const seeded = variants.map((variant, index) => ({ variant, seed: (options.seed ?? 1) + index }));
  const requests = trace.requests;
  const startMs = requests[0]?.atMs ?? 0;
  const endMs = requests.at(-1)?.atMs ?? startMs;
  const ends = bucketEnds(options.timeline?.startMs ?? startMs, options.timeline?.endMs ?? endMs);
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  const threads = options.source && !options.embedder ? (options.threads ?? Math.min(2, availableParallelism())) : 1;
  const progress = createReplayProgress({ output: options.progress, total: requests.length, label: 'replay' });
  const onProgress = (done: number, atMs: number): void => progress.update(done, atMs - startMs);
  let outcomes: LaneOutcome[];
  if (threads > 1 && options.source) {
    const groups = groupVariants(seeded, threads);
    const byName = new Map(
      (await replayInWorkers({ source: options.source, groups, bucketEndsMs: ends, prefetch, onProgress })).map(
        (outcome) => [outcome.result.name, outcome],
      ),
    );
    outcomes = variants.map((variant) => byName.get(variant.name) as LaneOutcome);
  } else {
    outcomes = await replayVariants({
      requests,
      variants: seeded,
      logger,
      bucketEndsMs: ends,
      prefetch,
      onProgress,
      ...(options.embedder ? { embedder: options.embedder } : {}),
    });
  }
  progress.finish();

  const { results, trafficTokens } = finaliseResults(outcomes);
  const cpu = process.cpuUsage(cpuStart);
  // Each worker process reports its own CPU once per configuration it ran: count each process once.
  const workerCpuMs = [...new Set(outcomes.map((outcome) => outcome.processCpuMs ?? 0))].reduce((a, b) => a + b, 0);
  const timed = trace.format !== 'routerbench' && !trace.notes.some((note) => note.startsWith('No timestamps'));
  const spanMs = endMs - startMs;
  let projectionBasis: string | undefined;
  if (options.requestsPerMonth !== undefined && requests.length > 0) {
    const factor = options.requestsPerMonth / requests.length;
    projectionBasis = `${options.requestsPerMonth.toLocaleString('en-US')} requests a month like these`;
    for (const result of results) result.monthlyProjectionUsd = result.costUsd * factor;
  } else if (timed && spanMs >= 60_000) {
    projectionBasis = `this trace's ${(spanMs / 3_600_000).toFixed(2)} h of traffic, repeated for 30 days`;
    for (const result of results) result.monthlyProjectionUsd = (result.costUsd * MONTH_MS) / spanMs;
  }
  return {
    trace: {
      name: trace.name,
      format: trace.format,
      requests: requests.length,
      startMs,
      endMs,
      timed,
      notes: trace.notes,
    },
    prices: {
      catalogueDate: CATALOGUE_DATE,
      ...(options.scenario ? { scenario: `${options.scenario.name}: ${describeScenario(options.scenario)}` } : {}),
    },
    notes,
    trafficTokens,
    variants: results,
    bucketEndsMs: ends,
    ...(projectionBasis ? { projectionBasis } : {}),
    elapsedMs: performance.now() - started,
    cpuMs: (cpu.user + cpu.system) / 1000 + workerCpuMs,
  };
}
