import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../spec/index.js';
import type { Embedder } from '../embedders/embedder.js';
import { type AdaptiveThresholdOptions, AdaptiveThresholds, type ClusterThreshold } from './adaptive-thresholds.js';
import { createMemorySemanticStore } from './create-memory-semantic-store.js';
import { createScopeKey, type SemanticScope } from './create-scope-key.js';
import { type ExclusionReason, isCacheable } from './is-cacheable.js';
import { ScopedVectorIndex } from './scoped-vector-index.js';
import type { SemanticCacheStore, SemanticEntryIndexData } from './semantic-cache-store.js';
import type { VectorIndexOptions } from './vector-index.js';
import { prepareCandidateQuery, verifyCandidate } from './verify-candidate.js';
import type { VerifierOptions, VerifierRejection } from './verify-match.js';

/** Options for {@link SemanticCache}. */
export interface SemanticCacheOptions<T> {
  /** Turns prompts into unit vectors (local model by default in the gateway). */
  embedder: Embedder;
  /** Where entries live; in-process memory by default. */
  store?: SemanticCacheStore<T>;
  /** Most entries in the local index, across scopes (least recently used evicted). */
  maxEntries?: number;
  /** Time to live of an entry when `store()` names none. */
  defaultTtlMs?: number;
  /** Per-cluster thresholds; `defaultThreshold` is where every cluster starts. */
  thresholds?: Omit<AdaptiveThresholdOptions, 'dimensions'>;
  /**
   * The verifier after retrieval (default: hard checks, then the shipped pair classifier at its
   * cross-validated operating point); `false` serves any neighbour above the threshold (not advised).
   */
  verifier?: VerifierOptions | false;
  /** Operator-configured exclusion patterns, on top of the built-in PII and secret shapes. */
  exclusionPatterns?: readonly RegExp[];
  /** Neighbours retrieved per lookup; the verifier may reject the nearest and accept the next. */
  candidates?: number;
  /** Tuning of the per-scope ANN indexes. */
  index?: Omit<VectorIndexOptions, 'dimensions'>;
  /** Clock (epoch ms); injectable for tests. Must be real time when the store is Redis. */
  now?: () => number;
}

/** A lookup request. */
export interface SemanticLookupRequest {
  scope: SemanticScope;
  /** The prompt text (single-turn: the user message). */
  text: string;
  /** Its embedding, when the caller has it already. */
  vector?: Float32Array;
  /**
   * The caller has already run `isCacheable` on `text` with this cache's exclusion patterns and it
   * passed (the gateway's cache layer does, before paying for the embedding): not checked twice.
   */
  screened?: boolean;
}

/** Why a lookup missed. */
export type SemanticMissReason =
  | 'excluded'
  | 'empty-scope'
  | 'below-threshold'
  | 'expired'
  | 'stale'
  | `verifier:${VerifierRejection}`;

/** What a lookup found. */
export type SemanticLookupResult<T> =
  | {
      hit: true;
      entryId: string;
      value: T;
      similarity: number;
      threshold: number;
      clusterId: string;
      /** The cached prompt that matched. */
      matchedText: string;
    }
  | {
      hit: false;
      reason: SemanticMissReason;
      /** For `excluded`: which pattern. */
      exclusion?: ExclusionReason;
      /** Best similarity seen in the scope, if any. */
      bestSimilarity?: number;
      threshold?: number;
      clusterId?: string;
      /** The query's embedding, to pass to `store()` after the provider answers (absent when excluded). */
      vector?: Float32Array;
    };

/** A store request. */
export interface SemanticStoreRequest<T> {
  scope: SemanticScope;
  text: string;
  value: T;
  ttlMs?: number;
  /** The text's embedding, e.g. from the miss that preceded this store. */
  vector?: Float32Array;
}

/** Counters since start (or `clear()`). */
export interface SemanticCacheStats {
  lookups: number;
  hits: number;
  misses: Record<SemanticMissReason, number>;
  stores: number;
  storesExcluded: number;
  evictions: number;
  expirations: number;
  goodFeedback: number;
  badFeedback: number;
  entries: number;
  scopes: number;
}

/**
 * The semantic cache: embed the prompt, search the nearest entries of the same scope, keep those
 * above the cluster's adaptive threshold, and serve the first that the verifier accepts.
 *
 * Scoping is structural: entries live in one index per scope key (tenant, model tier, system prompt
 * hash, sampling settings hash), so a lookup cannot even see another scope's vectors. Prompts that
 * look like personal data or secrets are neither stored nor answered.
 */
export class SemanticCache<T> {
  private readonly embedder: Embedder;
  private readonly backend: SemanticCacheStore<T>;
  private readonly index: ScopedVectorIndex;
  private readonly thresholds: AdaptiveThresholds;
  private readonly verifier: VerifierOptions | false;
  private readonly exclusionPatterns: readonly RegExp[];
  private readonly candidates: number;
  private readonly defaultTtlMs: number;
  private readonly now: () => number;
  private readonly ready: Promise<void>;
  // Recent hits, so feedback naming only an entry finds its cluster and score; bounded.
  private readonly recentHits = new Map<string, { clusterId: string; similarity: number }>();
  private counters = SemanticCache.emptyCounters();

  constructor(options: SemanticCacheOptions<T>) {
    this.embedder = options.embedder;
    this.now = options.now ?? Date.now;
    this.backend = options.store ?? createMemorySemanticStore<T>({ now: this.now });
    this.index = new ScopedVectorIndex({
      dimensions: options.embedder.dimensions,
      maxEntries: options.maxEntries ?? 10_000,
      ...(options.index === undefined ? {} : { index: options.index }),
    });
    this.thresholds = new AdaptiveThresholds({ ...options.thresholds, dimensions: options.embedder.dimensions });
    this.verifier = options.verifier ?? {};
    this.exclusionPatterns = options.exclusionPatterns ?? [];
    this.candidates = Math.max(1, options.candidates ?? 4);
    this.defaultTtlMs = options.defaultTtlMs ?? 3_600_000;
    this.ready = this.backend.follow({
      has: (entryId) => this.index.has(entryId),
      added: (entry) => this.indexEntry(entry),
      removed: (entryIds) => {
        for (const entryId of entryIds) this.index.remove(entryId);
      },
      cleared: () => this.index.clear(),
      retain: (live) => {
        for (const entryId of this.index.entryIds()) if (!live.has(entryId)) this.index.remove(entryId);
      },
    });
    // A failed follow surfaces on the first lookup/store; this keeps it from being an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  private static emptyCounters() {
    return {
      lookups: 0,
      hits: 0,
      misses: {} as Record<SemanticMissReason, number>,
      stores: 0,
      storesExcluded: 0,
      evictions: 0,
      expirations: 0,
      goodFeedback: 0,
      badFeedback: 0,
    };
  }

  /** Resolves when the store's existing entries are in the local index (immediate for memory). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Entries in the local index. */
  get size(): number {
    return this.index.size;
  }

  private indexEntry(entry: SemanticEntryIndexData): void {
    if (entry.vector.length !== this.embedder.dimensions) return;
    const removed = this.index.add(entry, this.now());
    this.afterLocalRemoval(removed, 'evictions');
  }

  // Entries dropped locally (expired or evicted) leave a memory store too; in a shared store they stay
  // for other instances, where Redis expires them and trims to its own bound.
  private afterLocalRemoval(entryIds: readonly string[], counter: 'evictions' | 'expirations'): void {
    if (entryIds.length === 0) return;
    this.counters[counter] += entryIds.length;
    if (!this.backend.shared) void this.backend.remove(entryIds).catch(() => undefined);
  }

  private miss(
    reason: SemanticMissReason,
    details: Omit<Extract<SemanticLookupResult<T>, { hit: false }>, 'hit' | 'reason'> = {},
  ): SemanticLookupResult<T> {
    this.counters.misses[reason] = (this.counters.misses[reason] ?? 0) + 1;
    return { hit: false, reason, ...details };
  }

  /**
   * Optional, before {@link lookup}: the work of a lookup that needs no vector (the scope key, the
   * verifier's analysis of the prompt), for a caller to do while the prompt's embedding is computed
   * elsewhere (the local model's worker thread), which takes it off the lookup's critical path.
   */
  prepareLookup(request: { scope: SemanticScope; text: string }): void {
    createScopeKey(request.scope);
    if (this.verifier !== false && this.verifier.mode !== 'rules') prepareCandidateQuery(request.text);
  }

  /** Looks for a cached answer to a prompt within its scope. */
  async lookup(request: SemanticLookupRequest): Promise<SemanticLookupResult<T>> {
    await this.ready;
    this.counters.lookups++;
    if (request.screened !== true) {
      const cacheable = isCacheable(request.text, this.exclusionPatterns);
      if (!cacheable.cacheable) return this.miss('excluded', { exclusion: cacheable.reason });
    }
    const scopeKey = createScopeKey(request.scope);
    const vector = request.vector ?? (await this.embed(request.text));
    const clusterId = this.thresholds.clusterOf(scopeKey, vector);
    const threshold = this.thresholds.thresholdFor(clusterId);
    const now = this.now();
    const { candidates, expired } = this.index.search({ scopeKey, vector, count: this.candidates, now });
    this.afterLocalRemoval(expired, 'expirations');
    const details = { threshold, clusterId, vector };
    if (candidates.length === 0) return this.miss(expired.length > 0 ? 'expired' : 'empty-scope', details);
    const bestSimilarity = candidates[0]?.similarity;
    let firstRejection: VerifierRejection | undefined;
    for (const candidate of candidates) {
      if (candidate.similarity < threshold) break;
      if (this.verifier !== false) {
        const verdict = verifyCandidate(
          { query: request.text, candidate: candidate.entry.text, similarity: candidate.similarity },
          this.verifier,
        );
        if (!verdict.accept) {
          firstRejection ??= verdict.reason;
          continue;
        }
      }
      const value = await this.backend.getValue(candidate.entry.entryId);
      if (value === undefined) {
        // Gone from the store (expired or removed elsewhere and the notice not yet here): heal locally.
        this.index.remove(candidate.entry.entryId);
        continue;
      }
      this.index.touch(candidate.entry.entryId);
      this.rememberHit(candidate.entry.entryId, { clusterId, similarity: candidate.similarity });
      this.counters.hits++;
      return {
        hit: true,
        entryId: candidate.entry.entryId,
        value,
        similarity: candidate.similarity,
        threshold,
        clusterId,
        matchedText: candidate.entry.text,
      };
    }
    const reason: SemanticMissReason =
      firstRejection !== undefined
        ? `verifier:${firstRejection}`
        : bestSimilarity !== undefined && bestSimilarity >= threshold
          ? 'stale'
          : 'below-threshold';
    return this.miss(reason, { ...details, ...(bestSimilarity === undefined ? {} : { bestSimilarity }) });
  }

  /** Stores an answer; returns its entry id, or why it was not stored. */
  async store(
    request: SemanticStoreRequest<T>,
  ): Promise<{ stored: true; entryId: string } | { stored: false; reason: 'excluded'; exclusion: ExclusionReason }> {
    await this.ready;
    const cacheable = isCacheable(request.text, this.exclusionPatterns);
    if (!cacheable.cacheable) {
      this.counters.storesExcluded++;
      return { stored: false, reason: 'excluded', exclusion: cacheable.reason };
    }
    const vector = request.vector ?? (await this.embed(request.text));
    const createdAt = this.now();
    const entry = {
      entryId: randomUUID(),
      scopeKey: createScopeKey(request.scope),
      text: request.text,
      vector,
      createdAt,
      expiresAt: createdAt + (request.ttlMs ?? this.defaultTtlMs),
      value: request.value,
    };
    const evictedByStore = await this.backend.put(entry);
    for (const entryId of evictedByStore) this.index.remove(entryId);
    this.indexEntry(entry);
    this.counters.stores++;
    return { stored: true, entryId: entry.entryId };
  }

  /**
   * Feedback on a served hit: `good: false` when the user refined or rephrased right after it, or
   * gave a low `/v1/feedback` score; `good: true` when confirmed. Moves the threshold of the hit's
   * cluster; returns the new threshold, or undefined if the entry's hit is no longer remembered.
   */
  recordHitFeedback(feedback: ({ entryId: string } | { clusterId: string }) & { good: boolean }): number | undefined {
    const remembered = 'entryId' in feedback ? this.recentHits.get(feedback.entryId) : undefined;
    const clusterId = 'clusterId' in feedback ? feedback.clusterId : remembered?.clusterId;
    if (clusterId === undefined) return undefined;
    this.counters[feedback.good ? 'goodFeedback' : 'badFeedback']++;
    return this.thresholds.recordFeedback({
      clusterId,
      good: feedback.good,
      ...(remembered === undefined ? {} : { similarity: remembered.similarity }),
    });
  }

  /** The current threshold of a cluster. */
  thresholdOf(clusterId: string): number {
    return this.thresholds.thresholdFor(clusterId);
  }

  /** Clusters whose thresholds feedback has moved. */
  clusterThresholds(): ClusterThreshold[] {
    return this.thresholds.clusters();
  }

  /** Removes every entry (from the store too, hence from every instance sharing it) and resets counters. */
  async clear(): Promise<void> {
    await this.ready;
    await this.backend.clear();
    this.index.clear();
    this.recentHits.clear();
    this.counters = SemanticCache.emptyCounters();
  }

  /** Counters and sizes. */
  stats(): SemanticCacheStats {
    return {
      ...this.counters,
      misses: { ...this.counters.misses },
      entries: this.index.size,
      scopes: this.index.scopeCount,
    };
  }

  /** Stops following the store and closes connections the store owns. */
  async close(): Promise<void> {
    await this.backend.close();
  }

  private async embed(text: string): Promise<Float32Array> {
    const [vector] = await this.embedder.embed([text]);
    if (vector === undefined || vector.length !== this.embedder.dimensions) {
      throw new GatewayError({
        code: 'upstream_malformed',
        message: `Embedder ${this.embedder.id} returned no vector of ${this.embedder.dimensions} dimensions.`,
      });
    }
    return vector;
  }

  private rememberHit(entryId: string, hit: { clusterId: string; similarity: number }): void {
    this.recentHits.delete(entryId);
    this.recentHits.set(entryId, hit);
    if (this.recentHits.size > 10_000) {
      const oldest = this.recentHits.keys().next().value;
      if (oldest !== undefined) this.recentHits.delete(oldest);
    }
  }
}
