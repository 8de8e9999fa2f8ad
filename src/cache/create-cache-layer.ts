import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import type { ConfigFile } from '../config/config-schema.js';
import { ConfigError } from '../config/load-config.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { Logger } from '../logging/create-logger.js';
import { loadRedisClass } from '../shared-state/load-ioredis.js';
import type { ChatRequest } from '../spec/index.js';
import type { CachedAnswer, CacheLayer, CacheLookup } from '../stages/cache/cache-layer.js';
import type { Embedder } from './embedders/embedder.js';
import { canonicalJson } from './exact/canonical-json.js';
import { canonicalizeRequest } from './exact/canonicalize-request.js';
import { createExactKey } from './exact/create-exact-key.js';
import { createMemoryExactStore } from './exact/create-memory-exact-store.js';
import { createRedisExactStore } from './exact/create-redis-exact-store.js';
import type { ExactCacheStore } from './exact/exact-cache-store.js';
import { createMemorySemanticStore } from './semantic/create-memory-semantic-store.js';
import { createRedisSemanticStore } from './semantic/create-redis-semantic-store.js';
import type { SemanticScope } from './semantic/create-scope-key.js';
import { isCacheable } from './semantic/is-cacheable.js';
import { SemanticCache, type SemanticCacheStats } from './semantic/semantic-cache.js';
import type { VerifierOptions } from './semantic/verify-match.js';

/** Options for {@link createCacheLayer}. */
export interface CreateCacheLayerOptions {
  /** The gateway config: `cache` and `storage` are read. */
  config: ConfigFile;
  logger: Logger;
  /**
   * The semantic cache's embedder. Required for `embedder: provider:…` (build it with
   * `createProviderEmbedder` over the deployment's embeddings call); for `local` the packaged model
   * is loaded here when none is given.
   */
  embedder?: Embedder;
  /** A connected Redis client to use instead of opening one from `storage.shared_state`; not closed here. */
  redis?: Redis;
  /** Clock in epoch ms (tests). With Redis it must be real time. */
  now?: () => number;
}

/** Counters since start. */
export interface CacheLayerStats {
  lookups: number;
  exactHits: number;
  semanticHits: number;
  misses: number;
  bypasses: number;
  stores: number;
  storeErrors: number;
  lookupErrors: number;
  refinements: number;
  feedback: number;
  semantic: SemanticCacheStats | undefined;
}

/** The gateway's answer cache, with what the rest of the gateway needs beyond lookup and store. */
export interface GatewayCacheLayer extends CacheLayer {
  /**
   * Feedback on an earlier request (from `/v1/feedback`): if that request was served from the
   * semantic cache, moves the threshold of the cluster its hit came from. Each request counts once.
   */
  recordCacheFeedback(feedback: {
    requestId: string;
    good: boolean;
  }): Promise<{ applied: boolean; threshold?: number }>;
  /** Resolves when every store started so far has finished. */
  flush(): Promise<void>;
  stats(): CacheLayerStats;
  /** Empties both caches (shared ones for every instance). */
  clear(): Promise<void>;
  /** Waits for pending stores and closes the connections this layer opened. */
  close(): Promise<void>;
}

/** A semantic hit as remembered for feedback: which entry, which cluster. */
interface HitRecord {
  entryId: string;
  clusterId: string;
}

/** The last semantic hit per tenant and end user, to spot a refinement right after it. */
interface RecentHit {
  requestId: string;
  text: string;
  vector: Float32Array;
  at: number;
}

/** A refinement is a different question this close in meaning to the one that just hit. */
const REFINEMENT_SIMILARITY = 0.6;
/** How long a semantic hit can still receive `/v1/feedback`. */
const HIT_RECORD_TTL_MS = 24 * 3_600_000;

/** Keys a miss was looked up under. */
interface PendingMiss {
  exactKey?: string;
  semantic?: { scope: SemanticScope; text: string; vector?: Float32Array };
}

type SemanticQuery = { eligible: true; scope: SemanticScope; text: string } | { eligible: false; reason: string };

/**
 * Whether a request may use the semantic cache, and its scope and text: single-turn (an optional
 * system prompt and one user message of text) unless `multi_turn`, no tools, not sampled hotter than
 * `max_temperature`. With `multi_turn` the earlier turns join the scope, so they must match exactly.
 */
function toSemanticQuery(options: {
  request: ChatRequest;
  context: RequestContext;
  settings: ConfigFile['cache']['semantic'];
  embedderIsLocal: boolean;
}): SemanticQuery {
  const { request, context, settings } = options;
  if ((request.tools?.length ?? 0) > 0) return { eligible: false, reason: 'tools' };
  const temperature = request.temperature ?? 1;
  if (temperature > settings.max_temperature) {
    return { eligible: false, reason: `temperature ${temperature} > ${settings.max_temperature}` };
  }
  if (context.directives.dataResidency === 'local' && !options.embedderIsLocal) {
    return { eligible: false, reason: 'data residency: the embedder is not local' };
  }
  const system = request.messages.filter((message) => message.role === 'system');
  const turns = request.messages.filter((message) => message.role !== 'system');
  const last = turns.at(-1);
  if (last?.role !== 'user') return { eligible: false, reason: 'the last turn is not a user message' };
  if (turns.length > 1 && !settings.multi_turn) return { eligible: false, reason: 'multi-turn' };
  if (last.content.some((part) => part.type !== 'text')) return { eligible: false, reason: 'non-text content' };
  const text = last.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
  if (text.trim() === '') return { eligible: false, reason: 'empty prompt' };
  const canonical = canonicalizeRequest({ ...request, messages: turns.slice(0, -1) });
  const settingsRecord: Record<string, unknown> = {
    ...canonical.sampling,
    minQuality: context.directives.minQuality,
    dataResidency: context.directives.dataResidency === 'any' ? undefined : context.directives.dataResidency,
  };
  if (turns.length > 1) settingsRecord.history = canonicalJson(canonical.messages);
  return {
    eligible: true,
    text,
    scope: {
      tenant: context.directives.tenant,
      modelTier: request.model,
      systemPrompt:
        system.length === 0
          ? undefined
          : canonicalJson(system.map((message) => message.content.map((part) => part.text))),
      sampling: settingsRecord,
    },
  };
}

/** `cache.semantic.verifier` as the semantic cache's options (`false`: similarity alone decides). */
function verifierOptions(settings: ConfigFile['cache']['semantic']['verifier']): VerifierOptions | false {
  if (settings.mode === 'off') return false;
  return settings.min_probability === undefined
    ? { mode: settings.mode }
    : { mode: settings.mode, minProbability: settings.min_probability };
}

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length && index < right.length; index++) {
    dot += (left[index] as number) * (right[index] as number);
  }
  return dot;
}

/** Where semantic hit records live until feedback arrives: any instance may receive `/v1/feedback`. */
interface HitJournal {
  put(requestId: string, record: HitRecord): Promise<void>;
  take(requestId: string): Promise<HitRecord | undefined>;
}

function createHitJournal(redis: Redis | undefined, keyPrefix: string): HitJournal {
  if (redis !== undefined) {
    return {
      async put(requestId, record) {
        await redis.set(`${keyPrefix}hit:${requestId}`, JSON.stringify(record), 'PX', HIT_RECORD_TTL_MS);
      },
      async take(requestId) {
        const encoded = await redis.getdel(`${keyPrefix}hit:${requestId}`);
        return encoded === null ? undefined : (JSON.parse(encoded) as HitRecord);
      },
    };
  }
  const records = new LRUCache<string, HitRecord>({ max: 10_000, ttl: HIT_RECORD_TTL_MS });
  return {
    async put(requestId, record) {
      records.set(requestId, record);
    },
    async take(requestId) {
      const record = records.get(requestId);
      records.delete(requestId);
      return record;
    },
  };
}

/**
 * Builds the gateway's answer cache from `config.cache`: an exact cache (canonical request hash,
 * scoped by tenant) in front of a semantic cache (paraphrases within a tenant, model, system prompt
 * and sampling scope, verified), both in process or both in Redis per `storage.shared_state`.
 *
 * Lookup honours `x-tollgate-cache` (`off`: bypass, `exact-only`: no semantic). Stores run off the
 * response path; a store or lookup that fails (Redis down, embedder error) is logged and counts as
 * a miss, never a failed request. A semantic hit followed within `refinement_window_s` by a similar
 * but different question from the same tenant and end user counts against the hit's cluster, as does
 * negative `/v1/feedback` through {@link GatewayCacheLayer.recordCacheFeedback}.
 */
export async function createCacheLayer(options: CreateCacheLayerOptions): Promise<GatewayCacheLayer> {
  const { config, logger } = options;
  const settings = config.cache;
  const now = options.now ?? Date.now;
  const shared = config.storage.shared_state !== 'memory';
  const keyPrefix = `${config.storage.shared_state_prefix}cache:`;
  const answersOn = settings.enabled && (settings.exact.enabled || settings.semantic.enabled);

  let ownRedis: Redis | undefined;
  let redis = options.redis;
  if (answersOn && shared && redis === undefined) {
    ownRedis = new (loadRedisClass())(config.storage.shared_state, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: 2_000,
    });
    ownRedis.on('error', (error: Error) => logger.warn({ err: error }, 'cache: redis connection error'));
    await ownRedis.connect();
    redis = ownRedis;
  }

  const exact: ExactCacheStore<CachedAnswer> | undefined =
    settings.enabled && settings.exact.enabled
      ? redis !== undefined
        ? createRedisExactStore<CachedAnswer>({ redis, keyPrefix })
        : createMemoryExactStore<CachedAnswer>({ maxEntries: settings.exact.max_entries, now })
      : undefined;

  let semantic: SemanticCache<CachedAnswer> | undefined;
  // The semantic cache's embedder, also used here to compare a question with the hit before it.
  let embedder: Embedder | undefined;
  let embedderIsLocal = true;
  const exclusionPatterns = settings.semantic.exclude_patterns.map((source) => new RegExp(source, 'i'));
  if (settings.enabled && settings.semantic.enabled) {
    const wantsProvider = settings.semantic.embedder.startsWith('provider:');
    if (wantsProvider && options.embedder === undefined) {
      throw new ConfigError(
        `cache.semantic.embedder is ${settings.semantic.embedder}: createCacheLayer needs an embedder over that deployment's embeddings endpoint.`,
      );
    }
    embedderIsLocal = !wantsProvider;
    // The packaged model and its runtime (ONNX Runtime) load only when a semantic cache needs them.
    embedder = options.embedder ?? (await (await import('./embedders/create-local-embedder.js')).createLocalEmbedder());
    if (wantsProvider && embedder.dimensions !== settings.semantic.embedding_dimensions) {
      throw new ConfigError(
        `cache.semantic.embedding_dimensions is ${settings.semantic.embedding_dimensions} but the embedder returns ${embedder.dimensions}.`,
      );
    }
    semantic = new SemanticCache<CachedAnswer>({
      embedder,
      // Vectors of different embedders are not comparable: each has its own entries.
      store:
        redis !== undefined
          ? createRedisSemanticStore<CachedAnswer>({
              redis,
              keyPrefix: `${keyPrefix}semantic:${embedder.id}:`,
              maxEntries: settings.semantic.max_entries,
              now,
            })
          : createMemorySemanticStore<CachedAnswer>({ now }),
      maxEntries: settings.semantic.max_entries,
      defaultTtlMs: settings.semantic.ttl_s * 1000,
      thresholds: { defaultThreshold: settings.semantic.threshold },
      verifier: verifierOptions(settings.semantic.verifier),
      exclusionPatterns,
      now,
    });
    await semantic.whenReady();
  }
  const journal = createHitJournal(redis, keyPrefix);
  const recentHits = new LRUCache<string, RecentHit>({ max: 10_000 });
  // What a miss was looked up under, kept until its answer is stored: the answer goes under the same
  // keys even if a later stage rewrites the request, and the prompt is embedded once.
  const misses = new LRUCache<string, PendingMiss>({ max: 5_000, ttl: 10 * 60_000 });
  const pendingMiss = (requestId: string): PendingMiss => {
    let miss = misses.get(requestId);
    if (miss === undefined) {
      miss = {};
      misses.set(requestId, miss);
    }
    return miss;
  };
  const pending = new Set<Promise<void>>();
  const counters = {
    lookups: 0,
    exactHits: 0,
    semanticHits: 0,
    misses: 0,
    bypasses: 0,
    stores: 0,
    storeErrors: 0,
    lookupErrors: 0,
    refinements: 0,
    feedback: 0,
  };

  const applyFeedback = async (requestId: string, good: boolean) => {
    const record = await journal.take(requestId);
    if (record === undefined || semantic === undefined) return { applied: false };
    counters.feedback++;
    const threshold =
      semantic.recordHitFeedback({ entryId: record.entryId, good }) ??
      semantic.recordHitFeedback({ clusterId: record.clusterId, good });
    return threshold === undefined ? { applied: false } : { applied: true, threshold };
  };

  const embed = async (text: string): Promise<Float32Array> => {
    const [vector] = (await embedder?.embed([text])) ?? [];
    if (vector === undefined) throw new Error('the embedder returned no vector');
    return vector;
  };

  const lookupSemantic = async (input: {
    context: RequestContext;
    request: ChatRequest;
  }): Promise<CacheLookup | string> => {
    if (semantic === undefined) return 'semantic off';
    if (input.context.directives.cache === 'exact-only') return 'semantic skipped (exact-only)';
    const query = toSemanticQuery({ ...input, settings: settings.semantic, embedderIsLocal });
    if (!query.eligible) return `not semantic-cacheable: ${query.reason}`;
    const verdict = isCacheable(query.text, exclusionPatterns);
    if (!verdict.cacheable) return `not semantic-cacheable: excluded (${verdict.reason})`;
    // Embedded only now, after the exact miss: started alongside the exact lookup, the embedding won
    // ~0.1 ms on a semantic hit but kept the model busy for a whole pass after every exact hit, and a
    // semantic request right behind one waited that pass out (bench:cache measured 9.9 ms vs 5.7 ms).
    const embedding = embed(query.text);
    // While the embedder works (on its own thread for the local model), what needs no vector.
    semantic.prepareLookup(query);
    const vector = await embedding;
    const who = `${input.context.directives.tenant}\u0000${input.request.user ?? ''}`;
    const previous = recentHits.get(who);
    if (
      previous !== undefined &&
      now() - previous.at <= settings.semantic.refinement_window_s * 1000 &&
      previous.text.trim().toLowerCase() !== query.text.trim().toLowerCase() &&
      cosine(previous.vector, vector) >= REFINEMENT_SIMILARITY
    ) {
      recentHits.delete(who);
      const outcome = await applyFeedback(previous.requestId, false);
      if (outcome.applied) counters.refinements++;
    }
    // Screened above with the same patterns the semantic cache holds.
    const result = await semantic.lookup({ scope: query.scope, text: query.text, vector, screened: true });
    if (!result.hit) {
      pendingMiss(input.context.requestId).semantic = { scope: query.scope, text: query.text, vector };
      const best = result.bestSimilarity === undefined ? '' : ` (best ${result.bestSimilarity.toFixed(3)})`;
      return `semantic ${result.reason}${best}`;
    }
    recentHits.set(who, { requestId: input.context.requestId, text: query.text, vector, at: now() });
    // Off the answer's path (with Redis a round trip): feedback on this request comes after the answer.
    const requestId = input.context.requestId;
    journal.put(requestId, { entryId: result.entryId, clusterId: result.clusterId }).catch((error: unknown) => {
      logger.warn({ err: error, requestId }, 'cache: could not record the semantic hit for feedback');
    });
    return { status: 'hit-semantic', answer: result.value, similarity: result.similarity };
  };

  const lookup = async (input: { context: RequestContext; request: ChatRequest }): Promise<CacheLookup> => {
    if (!answersOn) return { status: 'bypass', reason: 'cache disabled' };
    if (input.context.directives.cache === 'off') {
      counters.bypasses++;
      return { status: 'bypass', reason: 'x-tollgate-cache: off' };
    }
    counters.lookups++;
    const reasons: string[] = [];
    if (exact !== undefined) {
      try {
        const key = createExactKey({
          tenant: input.context.directives.tenant,
          request: input.request,
          routing: input.context.directives,
        });
        const answer = await exact.get(key);
        if (answer !== undefined) {
          counters.exactHits++;
          return { status: 'hit-exact', answer };
        }
        pendingMiss(input.context.requestId).exactKey = key;
        reasons.push('exact miss');
      } catch (error) {
        counters.lookupErrors++;
        logger.warn({ err: error, requestId: input.context.requestId }, 'cache: exact lookup failed');
        reasons.push('exact store unavailable');
      }
    }
    try {
      const outcome = await lookupSemantic(input);
      if (typeof outcome !== 'string') {
        counters.semanticHits++;
        return outcome;
      }
      reasons.push(outcome);
    } catch (error) {
      counters.lookupErrors++;
      logger.warn({ err: error, requestId: input.context.requestId }, 'cache: semantic lookup failed');
      reasons.push('semantic lookup failed');
    }
    counters.misses++;
    return { status: 'miss', reason: reasons.join('; ') };
  };

  const storeAnswer = async (input: { context: RequestContext; request: ChatRequest; answer: CachedAnswer }) => {
    const { context, request, answer } = input;
    const miss = misses.get(context.requestId);
    misses.delete(context.requestId);
    if (exact !== undefined) {
      const key =
        miss?.exactKey ?? createExactKey({ tenant: context.directives.tenant, request, routing: context.directives });
      await exact.set(key, answer, settings.exact.ttl_s * 1000);
    }
    if (semantic === undefined || context.directives.cache === 'exact-only') return;
    if (answer.response.content.some((part) => part.type === 'tool-call')) return;
    let query = miss?.semantic;
    if (query === undefined) {
      const fresh = toSemanticQuery({ context, request, settings: settings.semantic, embedderIsLocal });
      if (!fresh.eligible) return;
      query = { scope: fresh.scope, text: fresh.text };
    }
    await semantic.store({ ...query, value: answer, ttlMs: settings.semantic.ttl_s * 1000 });
  };

  return {
    lookup,
    store(input) {
      if (!answersOn || input.context.directives.cache === 'off') return;
      const task = storeAnswer(input).then(
        () => {
          counters.stores++;
        },
        (error: unknown) => {
          counters.storeErrors++;
          logger.warn({ err: error, requestId: input.context.requestId }, 'cache: store failed');
        },
      );
      pending.add(task);
      void task.finally(() => pending.delete(task));
    },
    recordCacheFeedback: (feedback) => applyFeedback(feedback.requestId, feedback.good),
    async flush() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    stats: () => ({ ...counters, semantic: semantic?.stats() }),
    async clear() {
      await exact?.clear();
      await semantic?.clear();
      recentHits.clear();
      misses.clear();
    },
    async close() {
      while (pending.size > 0) await Promise.all([...pending]);
      await semantic?.close();
      await exact?.close();
      if (ownRedis !== undefined) await ownRedis.quit().catch(() => ownRedis?.disconnect());
    },
  };
}
