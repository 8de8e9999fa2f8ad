/** Options for {@link AdaptiveThresholds}. */
export interface AdaptiveThresholdOptions {
  /** Length of the vectors clustered. */
  dimensions: number;
  /** Where every cluster starts (default {@link DEFAULT_SEMANTIC_THRESHOLD}). */
  defaultThreshold?: number;
  /** Lowest a cluster's threshold may fall. */
  minThreshold?: number;
  /** Highest a cluster's threshold may rise; a threshold above 1 would disable the cluster entirely. */
  maxThreshold?: number;
  /** Share of bad hits each cluster is steered towards (vCache's δ). */
  targetErrorRate?: number;
  /** How far one bad hit raises its cluster's threshold. */
  raiseStep?: number;
  /**
   * Good feedback lowers the threshold only when the hit's similarity was within this margin above
   * it: a good hit at 0.99 says nothing about whether 0.88 would have been safe.
   */
  informativeMargin?: number;
  /**
   * Coarse buckets: 2^bits sign patterns of seeded random hyperplanes. 4 bits (16 clusters per scope)
   * keeps about half of Quora's duplicate pairs in one bucket (6 bits: 38%) while still separating topics.
   */
  clusterBits?: number;
  /** Seed of the hyperplanes; every instance with the same seed buckets a vector the same way. */
  seed?: number;
  /** Most clusters with their own state; the least recently touched go back to the default. */
  maxClusters?: number;
}

/** One cluster's state, for stats and dashboards. */
export interface ClusterThreshold {
  clusterId: string;
  threshold: number;
  goodHits: number;
  badHits: number;
}

interface ClusterState {
  threshold: number;
  goodHits: number;
  badHits: number;
}

function createRandom(seed: number): () => number {
  // mulberry32: small, seeded and the same on every instance.
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cosine similarity where every cluster starts: SPEC's 0.90, kept because the verifier, not the
 * threshold, carries the precision (`npm run eval:cache`); `cache.semantic.threshold` defaults to it.
 */
export const DEFAULT_SEMANTIC_THRESHOLD = 0.9;

/**
 * Per-cluster similarity thresholds that move with feedback.
 *
 * A cluster is a scope plus a coarse bucket of the query vector (the signs of its projections on a
 * few seeded random hyperplanes — the same on every instance, no training, no shared state). A bad
 * hit (a refinement right after it, or a low `/v1/feedback` score) raises that cluster's threshold by
 * `raiseStep`; an informative good hit lowers it by `raiseStep · δ / (1 − δ)`. The drift is zero
 * exactly when bad hits make up δ of the feedback, so each cluster's threshold settles where its
 * observed error rate is δ — the guarantee vCache states per entry (a learned P(correct | similarity)
 * curve and a δ bound), here per cluster and learned from user feedback by a fixed-step quantile
 * tracker, without vCache's exploration calls to the model. Thresholds stay within [min, max].
 */
export class AdaptiveThresholds {
  readonly defaultThreshold: number;
  private readonly minThreshold: number;
  private readonly maxThreshold: number;
  private readonly raiseStep: number;
  private readonly lowerStep: number;
  private readonly informativeMargin: number;
  private readonly maxClusters: number;
  private readonly hyperplanes: Float32Array[];
  private readonly states = new Map<string, ClusterState>();

  constructor(options: AdaptiveThresholdOptions) {
    this.defaultThreshold = options.defaultThreshold ?? DEFAULT_SEMANTIC_THRESHOLD;
    this.minThreshold = options.minThreshold ?? Math.min(this.defaultThreshold, 0.85);
    this.maxThreshold = options.maxThreshold ?? Math.max(this.defaultThreshold, 0.99);
    const targetErrorRate = options.targetErrorRate ?? 0.05;
    this.raiseStep = options.raiseStep ?? 0.01;
    this.lowerStep = (this.raiseStep * targetErrorRate) / (1 - targetErrorRate);
    this.informativeMargin = options.informativeMargin ?? 0.05;
    this.maxClusters = options.maxClusters ?? 10_000;
    const random = createRandom(options.seed ?? 0x7011);
    this.hyperplanes = Array.from({ length: options.clusterBits ?? 4 }, () => {
      const plane = new Float32Array(options.dimensions);
      for (let index = 0; index < plane.length; index++) plane[index] = random() * 2 - 1;
      return plane;
    });
  }

  /** The cluster of a query vector within a scope. */
  clusterOf(scopeKey: string, vector: Float32Array): string {
    let bucket = 0;
    // An indexed loop, not entries(): this runs on every lookup, and the iterator cost more than the sums.
    for (let bit = 0; bit < this.hyperplanes.length; bit++) {
      const plane = this.hyperplanes[bit] as Float32Array;
      let dot = 0;
      for (let index = 0; index < plane.length; index++) dot += (plane[index] as number) * (vector[index] ?? 0);
      if (dot >= 0) bucket |= 1 << bit;
    }
    return `${scopeKey}#${bucket}`;
  }

  /** The threshold a hit in this cluster must reach. */
  thresholdFor(clusterId: string): number {
    return this.states.get(clusterId)?.threshold ?? this.defaultThreshold;
  }

  /**
   * Records whether a hit served from this cluster was right; `similarity` is the hit's score when
   * known. Returns the cluster's new threshold.
   */
  recordFeedback(feedback: { clusterId: string; good: boolean; similarity?: number }): number {
    const state = this.states.get(feedback.clusterId) ?? {
      threshold: this.defaultThreshold,
      goodHits: 0,
      badHits: 0,
    };
    this.states.delete(feedback.clusterId);
    if (feedback.good) {
      state.goodHits++;
      const informative =
        feedback.similarity === undefined || feedback.similarity < state.threshold + this.informativeMargin;
      if (informative) state.threshold = Math.max(this.minThreshold, state.threshold - this.lowerStep);
    } else {
      state.badHits++;
      state.threshold = Math.min(this.maxThreshold, state.threshold + this.raiseStep);
    }
    this.states.set(feedback.clusterId, state);
    if (this.states.size > this.maxClusters) {
      const oldest = this.states.keys().next().value;
      if (oldest !== undefined) this.states.delete(oldest);
    }
    return state.threshold;
  }

  /** Every cluster that has received feedback, least recently touched first. */
  clusters(): ClusterThreshold[] {
    return [...this.states].map(([clusterId, state]) => ({ clusterId, ...state }));
  }

  /** Forgets all feedback. */
  reset(): void {
    this.states.clear();
  }
}
