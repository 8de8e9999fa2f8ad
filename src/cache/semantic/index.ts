/**
 * The semantic cache: embeddings, a scoped ANN index with TTL and a size bound, a verifier after
 * retrieval, adaptive per-cluster thresholds, PII exclusions, and memory or Redis storage.
 * The gateway's cache stage builds on {@link SemanticCache}.
 */
export type { AdaptiveThresholdOptions, ClusterThreshold } from './adaptive-thresholds.js';
export { AdaptiveThresholds } from './adaptive-thresholds.js';
export type { PromptFeatures, QuestionType } from './analyze-prompt.js';
export { analyzePrompt } from './analyze-prompt.js';
export type { PairFeatureName } from './compute-pair-features.js';
export { computePairFeatures, PAIR_FEATURE_NAMES } from './compute-pair-features.js';
export { createMemorySemanticStore } from './create-memory-semantic-store.js';
export type { RedisSemanticStoreOptions } from './create-redis-semantic-store.js';
export { createRedisSemanticStore } from './create-redis-semantic-store.js';
export type { SemanticScope } from './create-scope-key.js';
export { createScopeKey } from './create-scope-key.js';
export type { CacheabilityVerdict, ExclusionReason } from './is-cacheable.js';
export { isCacheable } from './is-cacheable.js';
export type { BoostedTree, PairClassifierModel } from './pair-classifier.js';
export { loadShippedPairClassifier, PairClassifier } from './pair-classifier.js';
export type { ScopedCandidate, ScopedVectorIndexOptions } from './scoped-vector-index.js';
export { ScopedVectorIndex } from './scoped-vector-index.js';
export type {
  SemanticCacheOptions,
  SemanticCacheStats,
  SemanticLookupRequest,
  SemanticLookupResult,
  SemanticMissReason,
  SemanticStoreRequest,
} from './semantic-cache.js';
export { SemanticCache } from './semantic-cache.js';
export type {
  SemanticCacheStore,
  SemanticEntryIndexData,
  SemanticEntryRecord,
  SemanticStoreListener,
} from './semantic-cache-store.js';
export type { VectorIndexOptions, VectorMatch } from './vector-index.js';
export { DEFAULT_EXACT_UP_TO, VectorIndex } from './vector-index.js';
export type { CandidateVerdict } from './verify-candidate.js';
export { HARD_CHECKS, verifyCandidate } from './verify-candidate.js';
export type { VerifierCheck, VerifierOptions, VerifierRejection, VerifierVerdict } from './verify-match.js';
export {
  DEFAULT_MAX_EXTRA_WORDS,
  DEFAULT_MIN_CONTENT_WORDS,
  DEFAULT_MIN_OVERLAP,
  verifyMatch,
} from './verify-match.js';
