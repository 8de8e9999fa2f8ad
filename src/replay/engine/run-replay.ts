import { availableParallelism } from 'node:os';
import type { Embedder } from '../../cache/embedders/embedder.js';
import { createLogger, type Logger } from '../../logging/create-logger.js';
import { CATALOGUE_DATE } from '../../pricing/price-catalogue.js';
import { GatewayError } from '../../spec/index.js';
import { lastUserText } from '../trace/last-user-text.js';
import { loadTrace, type TraceSource } from '../trace/read-trace.js';
import type { Trace, TraceRequest } from '../trace/trace-request.js';
import { type KnownVectors, MAX_KNOWN_VECTORS } from './create-shared-embedder.js';
import { mergeLaneOutcomes } from './merge-lane-outcomes.js';
import { orderOfVariant, planVariants, type VariantCopy, type VariantPlan } from './plan-variants.js';
import { describeScenario, type PriceScenario } from './price-scenario.js';
import { replayInWorkers, type WorkerTask } from './replay-in-workers.js';
import type { LaneOutcome, SeededVariant } from './replay-lanes.js';
import { createReplayProgress, type ProgressSink } from './replay-progress.js';
import type { ReplayReport, VariantResult } from './replay-report.js';
import type { VariantName } from './replay-variants.js';

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
  /** Vectors of prompts embedded ahead by the same local model (see `embedInWorkers`); in this process only. */
  known?: KnownVectors[];
  /** Requests whose prompts are embedded ahead, in one batch (default 128; 0 turns prefetching off). */
  prefetch?: number;
  /** Seed of the simulated providers' randomness. */
  seed?: number;
  /** Time span of the cost-over-time buckets (default: the trace's), so that reports of parts of a trace add up. */
  timeline?: { startMs: number; endMs: number };
  /**
   * Worker processes (1 replays in this process). Default: one per core, at most 8, when `source` is
   * given and the work is large enough to pay for starting them; else 1.
   */
  threads?: number;
}

/** Time buckets of the cost-over-time series. */
const BUCKETS = 48;
const MONTH_MS = 30 * 24 * 3600 * 1000;
const DEFAULT_PREFETCH = 128;
/**
 * Below this many gateway requests (trace requests × configurations) the replay stays in this process:
 * a worker process costs seconds to start (it loads the gateway again), more than it would save.
 */
const WORKER_THRESHOLD = 4_000;
/**
 * Most worker processes by default (one per core up to this): each holds a gateway (a few hundred MB).
 * Shares of a trace of independent requests use them all; whole configurations use one each at most.
 */
const MAX_DEFAULT_WORKERS = 8;

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

/** The replayed outcomes plus the columns shown as copies of them, in display order. */
function withCopies(outcomes: readonly LaneOutcome[], copies: readonly VariantCopy[]): LaneOutcome[] {
  const all = [...outcomes];
  for (const copy of copies) {
    const source = outcomes.find((outcome) => outcome.result.name === copy.from);
    if (!source) continue;
    all.push({
      ...source,
      result: {
        ...structuredClone(source.result),
        name: copy.name,
        label: copy.label,
        model: copy.model,
        sameAs: copy.from,
      },
    });
  }
  return all.sort((a, b) => orderOfVariant(a.result.name) - orderOfVariant(b.result.name));
}

/**
 * How to spread the work over worker processes: shares of the trace when its requests are independent
 * (process k of N replays every configuration over every N-th request from the k-th: the load is even
 * whatever the traffic does over time), else whole
 * configurations dealt round-robin (baseline, cache, routing, full becomes (baseline, routing) and
 * (cache, full), so the two configurations with a semantic cache share one embedder).
 */
function planTasks(options: {
  variants: readonly SeededVariant[];
  threads: number;
  requests: number;
  independent: boolean;
}): WorkerTask[] {
  const { variants, threads, requests } = options;
  if (options.independent) {
    const slices = Math.min(threads, requests);
    return Array.from({ length: slices }, (_, index) => ({
      variants: [...variants],
      share: { offset: index, step: slices },
    }));
  }
  const tasks: WorkerTask[] = Array.from({ length: Math.min(threads, variants.length) }, () => ({ variants: [] }));
  variants.forEach((variant, index) => {
    tasks[index % tasks.length]?.variants.push(variant);
  });
  return tasks;
}

/** The distinct prompts the semantic cache will embed, in order of first use (empty when none will). */
function promptsToEmbed(requests: readonly TraceRequest[], variants: readonly SeededVariant[]): string[] {
  const semantic = variants.some(
    ({ variant }) => variant.config.cache.enabled && variant.config.cache.semantic.enabled,
  );
  if (!semantic) return [];
  const texts = new Set<string>();
  for (const request of requests) {
    const text = lastUserText(request);
    if (text.trim() !== '') texts.add(text);
  }
  // Beyond what the embedder's memo holds the vectors would not be kept: embed as the replay goes.
  return texts.size <= MAX_KNOWN_VECTORS ? [...texts] : [];
}

/** Runs the tasks in worker processes and returns one outcome per configuration, and their CPU time. */
async function replayWithWorkers(options: {
  source: TraceSource;
  requests: readonly TraceRequest[];
  plan: VariantPlan;
  seeded: SeededVariant[];
  threads: number;
  bucketEndsMs: number[];
  prefetch: number;
  progress: ProgressSink | undefined;
  onProgress: (done: number, atMs: number) => void;
}): Promise<{ outcomes: LaneOutcome[]; cpuMs: number[] }> {
  const { requests, seeded } = options;
  const tasks = planTasks({
    variants: seeded,
    threads: options.threads,
    requests: requests.length,
    independent: options.plan.independentRequests,
  });
  const embedTexts = options.prefetch > 0 ? promptsToEmbed(requests, seeded) : [];
  const embedding = createReplayProgress({ output: options.progress, total: embedTexts.length, label: 'embed ' });
  const sliced = tasks.some((task) => task.share);
  const { outcomes, cpuMs } = await replayInWorkers({
    source: options.source,
    tasks,
    bucketEndsMs: options.bucketEndsMs,
    prefetch: options.prefetch,
    embedTexts,
    onEmbedProgress: (done) => embedding.update(done, 0),
    onProgress: (progress) => {
      if (!sliced) {
        // Each process replays the whole trace: the slowest sets the pace.
        const slowest = progress.reduce((low, entry) => (entry.done < low.done ? entry : low));
        options.onProgress(slowest.done, slowest.atMs);
        return;
      }
      const done = progress.reduce((sum, entry) => sum + entry.done, 0);
      options.onProgress(done, requests[Math.max(0, done - 1)]?.atMs ?? 0);
    },
  });
  embedding.finish();
  if (sliced) return { outcomes: mergeLaneOutcomes(outcomes), cpuMs };
  const byName = new Map(outcomes.flat().map((outcome) => [outcome.result.name, outcome]));
  return { outcomes: seeded.map(({ variant }) => byName.get(variant.name) as LaneOutcome), cpuMs };
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
  const plan = planVariants({
    trace,
    ...(options.config === undefined ? {} : { config: options.config }),
    ...(options.configSource === undefined ? {} : { configSource: options.configSource }),
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(options.variants ? { wanted: options.variants } : {}),
    ...(options.environment ? { environment: options.environment } : {}),
  });
  const seeded = plan.variants.map((variant, index) => ({ variant, seed: (options.seed ?? 1) + index }));
  const requests = trace.requests;
  const startMs = requests[0]?.atMs ?? 0;
  const endMs = requests.at(-1)?.atMs ?? startMs;
  const ends = bucketEnds(options.timeline?.startMs ?? startMs, options.timeline?.endMs ?? endMs);
  const prefetch = options.prefetch ?? DEFAULT_PREFETCH;
  const large = requests.length * seeded.length >= WORKER_THRESHOLD;
  const threads =
    options.source && !options.embedder
      ? (options.threads ?? (large ? Math.min(MAX_DEFAULT_WORKERS, availableParallelism()) : 1))
      : 1;
  const progress = createReplayProgress({ output: options.progress, total: requests.length, label: 'replay' });
  const onProgress = (done: number, atMs: number): void => progress.update(done, atMs - startMs);
  let outcomes: LaneOutcome[];
  let workerCpuMs: number[] = [];
  if (threads > 1 && options.source) {
    ({ outcomes, cpuMs: workerCpuMs } = await replayWithWorkers({
      source: options.source,
      requests,
      plan,
      seeded,
      threads,
      bucketEndsMs: ends,
      prefetch,
      progress: options.progress,
      onProgress,
    }));
  } else {
    // Loaded here, not at the top: a replay in worker processes never runs a gateway in this one.
    const { replayVariants } = await import('./replay-lanes.js');
    outcomes = await replayVariants({
      requests,
      ...(trace.delimiter === undefined ? {} : { delimiter: trace.delimiter }),
      variants: seeded,
      logger,
      bucketEndsMs: ends,
      prefetch,
      onProgress,
      ...(options.embedder ? { embedder: options.embedder } : {}),
      ...(options.known ? { known: options.known } : {}),
    });
  }
  progress.finish();
  outcomes = withCopies(outcomes, plan.copies);
  const notes = plan.notes;

  const { results, trafficTokens } = finaliseResults(outcomes);
  const cpu = process.cpuUsage(cpuStart);
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
    cpuMs: (cpu.user + cpu.system) / 1000 + workerCpuMs.reduce((sum, value) => sum + value, 0),
    ...(workerCpuMs.length > 0 ? { workerCpuMs } : {}),
  };
}
