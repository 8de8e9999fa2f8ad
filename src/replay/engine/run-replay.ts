import { createBudgetLayer } from '../../budgets/create-budget-layer.js';
import type { BudgetWebhookSender } from '../../budgets/send-budget-webhook.js';
import { createCacheLayer, type GatewayCacheLayer } from '../../cache/create-cache-layer.js';
import { createLocalEmbedder } from '../../cache/embedders/create-local-embedder.js';
import type { Embedder } from '../../cache/embedders/embedder.js';
import type { ConfigFile } from '../../config/config-schema.js';
import { validateConfig } from '../../config/load-config.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import { createLogger, type Logger } from '../../logging/create-logger.js';
import { CATALOGUE_DATE } from '../../pricing/price-catalogue.js';
import { createSeededRandom } from '../../providers/simulated/create-seeded-random.js';
import { createMemorySharedState } from '../../shared-state/memory-shared-state.js';
import type { BudgetLayer } from '../../stages/budget/budget-layer.js';
import type { Trace, TraceRequest } from '../trace/trace-request.js';
import { createSharedEmbedder, type SharedEmbedder } from './create-shared-embedder.js';
import { defaultReplayConfig } from './default-replay-config.js';
import { injectRequest } from './inject-request.js';
import { describeScenario, type PriceScenario } from './price-scenario.js';
import { createReplayProgress, type ProgressSink } from './replay-progress.js';
import type { ReplayReport, VariantResult } from './replay-report.js';
import { deriveVariants, prepareReplayConfig, type ReplayVariant, type VariantName } from './replay-variants.js';
import { VariantCollector } from './variant-collector.js';
import { createVirtualClock, type VirtualClock } from './virtual-clock.js';

/** Options for {@link runReplay}. */
export interface RunReplayOptions {
  trace: Trace;
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
  /** An embedder for the semantic cache (default: the local model, loaded once for all configurations). */
  embedder?: Embedder;
  /** Requests whose prompts are embedded ahead, in one batch (default 128; 0 turns prefetching off). */
  prefetch?: number;
  /** Seed of the simulated providers' randomness. */
  seed?: number;
  /** Time span of the cost-over-time buckets (default: the trace's), so that reports of parts of a trace add up. */
  timeline?: { startMs: number; endMs: number };
}

/** Time buckets of the cost-over-time series. */
const BUCKETS = 48;
const MONTH_MS = 30 * 24 * 3600 * 1000;

/** A configuration being replayed: its gateway, clock and collector. */
interface Lane {
  variant: ReplayVariant;
  gateway: Gateway;
  clock: VirtualClock;
  collector: VariantCollector;
  cache: GatewayCacheLayer | undefined;
}

function crossingRecorder(collector: VariantCollector, clock: VirtualClock): BudgetWebhookSender {
  // The replay never posts to a budget's webhook; it writes down what would have been posted, and when.
  return async ({ budget, threshold }) => {
    collector.crossings.push({ atMs: clock.now(), budget: budget.name, threshold });
  };
}

async function openLane(options: {
  variant: ReplayVariant;
  startMs: number;
  logger: Logger;
  embedder: () => Promise<Embedder>;
  seed: number;
}): Promise<Lane> {
  const { variant, logger } = options;
  const clock = createVirtualClock(options.startMs);
  const collector = new VariantCollector(variant);
  const config: ConfigFile = variant.config;
  // Built here rather than left to the gateway so that both run on the virtual clock (TTLs, budget
  // windows) and so that budget webhooks are recorded instead of sent.
  const cache = config.cache.enabled
    ? await createCacheLayer({
        config,
        logger,
        now: clock.now,
        ...(config.cache.semantic.enabled ? { embedder: await options.embedder() } : {}),
      })
    : undefined;
  let budgets: BudgetLayer | undefined;
  if (config.budgets.length > 0) {
    budgets = createBudgetLayer({
      sharedState: createMemorySharedState({ now: clock.now }),
      budgets: () => config.budgets,
      keyBudget: () => undefined,
      leaseMs: () => config.resilience.reservation_lease_ms,
      webhook: crossingRecorder(collector, clock),
      logger,
      now: clock.now,
    });
  }
  const gateway = await createGateway({
    config,
    environment: {},
    logger,
    simulation: { sleep: clock.sleep, now: clock.now, random: createSeededRandom(options.seed) },
    observers: [collector],
    ...(cache ? { cache } : {}),
    ...(budgets ? { budgets } : {}),
  });
  return { variant, gateway, clock, collector, cache };
}

function requestHeaders(request: TraceRequest, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (request.tenant) headers['x-tollgate-tenant'] = request.tenant;
  if (request.feature) headers['x-tollgate-feature'] = request.feature;
  return { ...request.headers, ...headers };
}

async function replayOne(lane: Lane, request: TraceRequest): Promise<void> {
  const body = request.body();
  body.model = lane.variant.model;
  const requestId = `replay-${lane.variant.name}-${request.index}`;
  lane.clock.setTime(request.atMs);
  const response = await injectRequest({
    handle: lane.gateway.handle,
    method: 'POST',
    path: '/v1/chat/completions',
    headers: requestHeaders(request, requestId),
    body: JSON.stringify(body),
  });
  const latencyMs = lane.clock.now() - request.atMs;
  // Answers are stored in the background; a real next request arrives after they land.
  await lane.cache?.flush();
  lane.collector.record({ requestId, request, response, latencyMs });
}

/**
 * The text the semantic cache embeds for a request (its last user message, parts joined by newlines),
 * to embed it ahead of time; a mismatch only means the cache embeds it itself when it gets there.
 */
function lastUserText(request: TraceRequest): string {
  const messages = (request.body().messages ?? []) as { role?: unknown; content?: unknown }[];
  const last = messages.at(-1);
  if (last?.role !== 'user') return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return (last.content as { type?: unknown; text?: unknown }[])
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}

function bucketEnds(startMs: number, endMs: number): number[] {
  const span = Math.max(1, endMs - startMs);
  return Array.from({ length: BUCKETS }, (_, index) => startMs + Math.round((span * (index + 1)) / BUCKETS));
}

/**
 * Replays a trace through the real gateway once per configuration, side by side, on virtual clocks:
 * each request is sent in-process to each configuration's gateway at its recorded arrival time, the
 * simulated providers "wait" on the virtual clock, and the settle observer reads what the gateway
 * accounted. Requests are replayed one at a time in arrival order (overlap between requests, and so
 * queueing and concurrency limits, is not modelled). Deterministic for a given trace, config and seed.
 */
export async function runReplay(options: RunReplayOptions): Promise<ReplayReport> {
  const started = performance.now();
  const { trace } = options;
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const { config: userConfig } = validateConfig({
    document: options.config ?? defaultReplayConfig(),
    source: options.configSource ?? (options.config === undefined ? 'the built-in replay config' : 'the given config'),
    environment: options.environment ?? process.env,
  });
  const prepared = prepareReplayConfig({
    config: userConfig,
    ...(options.scenario ? { scenario: options.scenario } : {}),
    ...(trace.longestOutputTokens === undefined ? {} : { longestOutputTokens: trace.longestOutputTokens }),
  });
  const wanted = new Set<VariantName>(['baseline', ...(options.variants ?? ['cache', 'routing', 'full'])]);
  const variants = deriveVariants(prepared.config).filter((variant) => wanted.has(variant.name));
  if (options.scenario && wanted.has('full')) {
    const current = prepareReplayConfig({
      config: userConfig,
      ...(trace.longestOutputTokens === undefined ? {} : { longestOutputTokens: trace.longestOutputTokens }),
    });
    const full = deriveVariants(current.config).find((variant) => variant.name === 'full');
    if (full) variants.push({ ...full, name: 'full-current', label: 'full @ today' });
  }
  if (trace.contentFree) {
    for (const variant of variants) {
      // Filler prompts resemble each other: the semantic cache would "hit" where real traffic would not.
      variant.config = {
        ...variant.config,
        cache: { ...variant.config.cache, semantic: { ...variant.config.cache.semantic, enabled: false } },
      };
    }
  }

  let shared: Promise<SharedEmbedder> | undefined;
  const embedder = (): Promise<SharedEmbedder> => {
    shared ??= (options.embedder ? Promise.resolve(options.embedder) : createLocalEmbedder()).then((inner) =>
      createSharedEmbedder(inner),
    );
    return shared;
  };
  const semantic = variants.some((variant) => variant.config.cache.enabled && variant.config.cache.semantic.enabled);
  const prefetch = semantic ? (options.prefetch ?? 128) : 0;
  const requests = trace.requests;
  const startMs = requests[0]?.atMs ?? 0;
  const endMs = requests.at(-1)?.atMs ?? startMs;
  const lanes: Lane[] = [];
  try {
    for (const [position, variant] of variants.entries()) {
      lanes.push(await openLane({ variant, startMs, logger, embedder, seed: (options.seed ?? 1) + position }));
    }
    const progress = createReplayProgress({ output: options.progress, total: requests.length, label: 'replay' });
    for (const [done, request] of requests.entries()) {
      if (prefetch > 0 && done % prefetch === 0) {
        await (await embedder()).prefetch(
          requests
            .slice(done, done + prefetch)
            .map(lastUserText)
            .filter((text) => text.trim() !== ''),
        );
      }
      for (const lane of lanes) await replayOne(lane, request);
      progress.update(done + 1, request.atMs - startMs);
      // Let settles, budget releases and background stores of this request finish before the next.
      if (done % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
    progress.finish();
  } finally {
    await Promise.all(
      lanes.map(async (lane) => {
        await lane.gateway.close();
        await lane.cache?.close();
      }),
    );
  }

  const baseline = lanes.find((lane) => lane.variant.name === 'baseline') as Lane;
  const trafficTokens = baseline.collector.trafficTokens();
  const ends = bucketEnds(options.timeline?.startMs ?? startMs, options.timeline?.endMs ?? endMs);
  const timed = trace.format !== 'routerbench' && !trace.notes.some((note) => note.startsWith('No timestamps'));
  const spanMs = endMs - startMs;
  let projectionBasis: string | undefined;
  let monthly: ((result: VariantResult) => number) | undefined;
  if (options.requestsPerMonth !== undefined && requests.length > 0) {
    const factor = options.requestsPerMonth / requests.length;
    projectionBasis = `${options.requestsPerMonth.toLocaleString('en-US')} requests a month like these`;
    monthly = (result) => result.costUsd * factor;
  } else if (timed && spanMs >= 60_000) {
    projectionBasis = `this trace's ${(spanMs / 3_600_000).toFixed(2)} h of traffic, repeated for 30 days`;
    monthly = (result) => (result.costUsd * MONTH_MS) / spanMs;
  }
  const results = lanes.map((lane) => {
    const result = lane.collector.result({
      trafficTokens,
      baselineCostUsd: baseline.collector.totalCostUsd,
      bucketEndsMs: ends,
    });
    if (monthly) result.monthlyProjectionUsd = monthly(result);
    return result;
  });
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
    notes: prepared.notes,
    trafficTokens,
    variants: results,
    bucketEndsMs: ends,
    ...(projectionBasis ? { projectionBasis } : {}),
    elapsedMs: performance.now() - started,
  };
}
