import { createBudgetLayer } from '../../budgets/create-budget-layer.js';
import type { BudgetWebhookSender } from '../../budgets/send-budget-webhook.js';
import { createCacheLayer, type GatewayCacheLayer } from '../../cache/create-cache-layer.js';
import type { Embedder } from '../../cache/embedders/embedder.js';
import type { ConfigFile } from '../../config/config-schema.js';
import { createGateway, type Gateway } from '../../gateway/create-gateway.js';
import type { Logger } from '../../logging/create-logger.js';
import type { SimulationHooks } from '../../providers/create-provider-adapter.js';
import { createSeededRandom } from '../../providers/simulated/create-seeded-random.js';
import { createMemorySharedState } from '../../shared-state/memory-shared-state.js';
import type { BudgetLayer } from '../../stages/budget/budget-layer.js';
import type { SettleObserver } from '../../stages/settle/settled-request.js';
import { lastUserText } from '../trace/last-user-text.js';
import type { ChatBody, TraceRequest } from '../trace/trace-request.js';
import { createSharedEmbedder, type KnownVectors, type SharedEmbedder } from './create-shared-embedder.js';
import { injectRequest } from './inject-request.js';
import type { VariantResult } from './replay-report.js';
import type { ReplayVariant } from './replay-variants.js';
import { VariantCollector } from './variant-collector.js';
import { createVirtualClock, type VirtualClock } from './virtual-clock.js';

/**
 * The local embedder runs on the replay's own thread: a replay embeds in bulk and serves nothing else
 * meanwhile, so a worker thread would only add hand-offs. (Not a literal at the call, so that builds of
 * the embedder without the `thread` option accept it too: they run on the calling thread anyway.)
 */
export const LOCAL_EMBEDDER_OPTIONS: { batchSize: number; thread: 'main' } = { batchSize: 8, thread: 'main' };

/**
 * Prefixes a simulated provider's prefix cache holds (each prompt's 128-token steps are entries). The
 * simulator's default, 10,000, holds under a minute of long-prompt traffic such as Mooncake's (~110
 * entries a request at ~14k tokens), so shared prefixes would be evicted before their reuse, far sooner
 * than a provider's 5–10 minute lifetime; 500,000 (~85 MB per configuration) covers that lifetime at
 * Mooncake's rate.
 */
export const REPLAY_PREFIX_CACHE_ENTRIES = 500_000;

/** The simulated providers' clock, randomness and prefix-cache size. */
function replaySimulation(clock: VirtualClock, seed: number): SimulationHooks {
  return {
    sleep: clock.sleep,
    now: clock.now,
    random: createSeededRandom(seed),
    prefixCacheEntries: REPLAY_PREFIX_CACHE_ENTRIES,
  };
}

/** A configuration to replay, with the seed of its simulated providers. */
export interface SeededVariant {
  variant: ReplayVariant;
  seed: number;
}

/** What replaying one configuration produced. */
export interface LaneOutcome {
  /** Totals, without the columns compared with the baseline (see `finaliseResults`). */
  result: VariantResult;
  /** Input + output tokens this configuration sent and received. */
  trafficTokens: number;
  /** Each request's simulated latency, ms: shares of a trace replayed apart merge exactly. */
  latenciesMs: number[];
}

/** Options for {@link replayVariants}. */
export interface ReplayVariantsOptions {
  requests: readonly TraceRequest[];
  variants: readonly SeededVariant[];
  logger: Logger;
  /** Ends of the cost-over-time buckets, epoch ms. */
  bucketEndsMs: readonly number[];
  /** The semantic cache's embedder (default: the local model, loaded once). */
  embedder?: Embedder;
  /** Requests whose prompts are embedded ahead, in one batch (0: none). */
  prefetch: number;
  /** The trace's prefix delimiter (see `Trace.delimiter`): removed for configurations without prefix caching. */
  delimiter?: string;
  /** Vectors computed ahead by the same model (the embedding phase of a replay in worker processes). */
  known?: readonly KnownVectors[];
  /** Told after each request: how many are done, and the virtual time reached. */
  onProgress?: (done: number, atMs: number) => void;
}

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
  seeded: SeededVariant;
  startMs: number;
  logger: Logger;
  embedder: () => Promise<Embedder>;
}): Promise<Lane> {
  const { variant, seed } = options.seeded;
  const { logger } = options;
  const clock = createVirtualClock(options.startMs);
  const collector = new VariantCollector(variant);
  const config: ConfigFile = variant.config;
  // Built here rather than by the gateway from the config so that both run on the virtual clock (TTLs,
  // budget windows) and budget webhooks are recorded instead of sent; the same code and settings.
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
    simulation: replaySimulation(clock, seed),
    // The cost rule judges whether a prefix is still in a provider's cache by trace time.
    routerClock: clock.now,
    observers: [collector],
    batch: false,
    ...(cache ? { cache } : {}),
    ...(budgets ? { budgets } : {}),
  });
  // The replay reads what the gateway accounted through its collector. Its ledger is off, and nobody
  // scrapes its metrics or opens its dashboard, so those observers would only cost time (~4% of a
  // replayed request); the resilience observer stays (token-rate buckets, output speed).
  const kept = new Set<SettleObserver>([collector, ...(gateway.resilience ? [gateway.resilience.observer] : [])]);
  gateway.core.observers = gateway.core.observers.filter((observer) => kept.has(observer));
  return { variant, gateway, clock, collector, cache };
}

function requestHeaders(request: TraceRequest, requestId: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': requestId };
  if (request.tenant) headers['x-tollgate-tenant'] = request.tenant;
  if (request.feature) headers['x-tollgate-feature'] = request.feature;
  return { ...request.headers, ...headers };
}

async function replayOne(lane: Lane, request: TraceRequest, body: string): Promise<void> {
  const requestId = `replay-${lane.variant.name}-${request.index}`;
  lane.clock.setTime(request.atMs);
  const response = await injectRequest({
    handle: lane.gateway.handle,
    method: 'POST',
    path: '/v1/chat/completions',
    headers: requestHeaders(request, requestId),
    body,
  });
  const latencyMs = lane.clock.now() - request.atMs;
  // Answers are stored in the background; a real next request arrives after they land.
  await lane.cache?.flush();
  lane.collector.record({ requestId, request, response, latencyMs });
}

/** Whether a configuration places prefix breakpoints (and so removes the trace's delimiters itself). */
function placesBreakpoints(variant: ReplayVariant): boolean {
  return variant.config.cache.enabled && variant.config.cache.prefix.enabled;
}

/** A body's message content without the parts that are exactly the delimiter. */
function withoutDelimiters(body: ChatBody, delimiter: string): ChatBody {
  const messages = (body.messages ?? []) as { content?: unknown }[];
  return {
    ...body,
    messages: messages.map((message) =>
      Array.isArray(message.content)
        ? {
            ...message,
            content: (message.content as { text?: unknown }[]).filter((part) => part.text !== delimiter),
          }
        : message,
    ),
  };
}

/** The key of a configuration's body: its model, and whether the trace's delimiters stay in. */
function bodyKey(lane: Lane, delimiter: string | undefined): string {
  return `${lane.variant.model}\n${delimiter !== undefined && !placesBreakpoints(lane.variant)}`;
}

/**
 * The request body as each configuration sends it, built and serialised once per distinct form: only
 * `model` differs, and, for traces that mark stable prefixes with a delimiter (Mooncake), whether the
 * delimiters are there. A configuration without prefix caching stands for an application that never
 * wrote them, so it sends the prompt without; left in, a delimiter at a different place in each prompt
 * would cut the prefixes that requests share and spoil the provider's own (automatic) prefix caching.
 */
function bodiesFor(request: TraceRequest, lanes: readonly Lane[], delimiter: string | undefined): Map<string, string> {
  const body = request.body();
  // Serialised once without `model` (the long part: the prompt), which each configuration then puts
  // first: JSON key order means nothing to the gateway.
  const serialise = (chosen: ChatBody): string => JSON.stringify({ ...chosen, model: undefined }).slice(1);
  const withDelimiters = serialise(body);
  const bare = delimiter === undefined ? withDelimiters : serialise(withoutDelimiters(body, delimiter));
  const bodies = new Map<string, string>();
  for (const lane of lanes) {
    const key = bodyKey(lane, delimiter);
    if (bodies.has(key)) continue;
    const rest = key.endsWith('true') ? bare : withDelimiters;
    bodies.set(key, `{"model":${JSON.stringify(lane.variant.model)}${rest === '}' ? '' : ','}${rest}`);
  }
  return bodies;
}

/**
 * Replays requests through one gateway per configuration, in this process: each request is sent
 * in-process to each configuration's gateway at its recorded arrival time on that configuration's
 * virtual clock, and the settle observer reads what the gateway accounted. Requests go one at a time
 * in arrival order (overlap between requests, and so queueing and concurrency limits, is not modelled).
 */
export async function replayVariants(options: ReplayVariantsOptions): Promise<LaneOutcome[]> {
  const { requests, logger } = options;
  let shared: Promise<SharedEmbedder> | undefined;
  const embedder = (): Promise<SharedEmbedder> => {
    // The local model's code (ONNX Runtime) loads only when a semantic cache needs it.
    shared ??= (
      options.embedder
        ? Promise.resolve(options.embedder)
        : import('../../cache/embedders/create-local-embedder.js').then((module) =>
            module.createLocalEmbedder(LOCAL_EMBEDDER_OPTIONS),
          )
    ).then((inner) => {
      const memo = createSharedEmbedder(inner);
      for (const known of options.known ?? []) memo.remember(known);
      return memo;
    });
    return shared;
  };
  const semantic = options.variants.some(
    ({ variant }) => variant.config.cache.enabled && variant.config.cache.semantic.enabled,
  );
  const prefetch = semantic ? options.prefetch : 0;
  const startMs = requests[0]?.atMs ?? 0;
  const lanes: Lane[] = [];
  try {
    for (const seeded of options.variants) lanes.push(await openLane({ seeded, startMs, logger, embedder }));
    for (const [done, request] of requests.entries()) {
      if (prefetch > 0 && done % prefetch === 0) {
        await (await embedder()).prefetch(
          requests
            .slice(done, done + prefetch)
            .map(lastUserText)
            .filter((text) => text.trim() !== ''),
        );
      }
      const bodies = bodiesFor(request, lanes, options.delimiter);
      for (const lane of lanes) await replayOne(lane, request, bodies.get(bodyKey(lane, options.delimiter)) as string);
      options.onProgress?.(done + 1, request.atMs);
      // Let settles, budget releases and background stores of this request finish before the next.
      if (done % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await Promise.all(
      lanes.map(async (lane) => {
        await lane.gateway.close();
        await lane.cache?.close();
      }),
    );
  }
  return lanes.map((lane) => ({
    result: lane.collector.result(options.bucketEndsMs),
    trafficTokens: lane.collector.trafficTokens(),
    latenciesMs: lane.collector.latencySamples(),
  }));
}
