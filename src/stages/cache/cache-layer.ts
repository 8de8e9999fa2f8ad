import type { RequestContext } from '../../gateway/request-context.js';
import type { ChatRequest, ChatResponse } from '../../spec/index.js';
import type { CacheStatus } from '../settle/settled-request.js';

/** A cached answer and what it originally cost. */
export interface CachedAnswer {
  /** The answer as first served. */
  response: ChatResponse;
  /** Provider and model that produced it. */
  provider: string;
  model: string;
  /** What the original request cost: what this hit saved. */
  originalCostUsd: number;
}

/** The outcome of a lookup. */
export type CacheLookup =
  | { status: 'hit-exact' | 'hit-semantic'; answer: CachedAnswer; similarity?: number }
  | { status: Extract<CacheStatus, 'miss' | 'bypass'>; reason: string };

/** Exact and semantic answer caches, consulted before routing. */
export interface CacheLayer {
  /** Looks the request up, honouring `x-tollgate-cache`. */
  lookup(input: { context: RequestContext; request: ChatRequest }): Promise<CacheLookup>;
  /** Stores a fresh answer (called after settle, off the response's critical path). */
  store(input: { context: RequestContext; request: ChatRequest; answer: CachedAnswer }): void;
}

/** No caching. */
export const noCache: CacheLayer = {
  lookup: async () => ({ status: 'bypass', reason: 'cache disabled' }),
  store: () => {},
};
