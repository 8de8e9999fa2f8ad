import type { TraceRequest } from './load-mooncake-trace.js';

/** A block-level cache model: which block ids are cached at a moment. */
export interface BlockCacheModel {
  /** Shown in the table. */
  name: string;
  /** Most blocks held (least recently used go first); unbounded when absent. */
  maxBlocks?: number;
  /** A block not used for this long is gone; every use refreshes it. No expiry when absent. */
  ttlMs?: number;
}

/** Block hit rate: blocks of each prompt found in the cache, over all blocks. */
export interface BlockHitResult {
  name: string;
  blocks: number;
  hits: number;
  hitRate: number;
}

/**
 * Replays the trace against an ideal cache of 512-token blocks on the trace's own clock. A block
 * counts as a hit only while every block before it in the same prompt hit too: a prefix cache cannot
 * serve a block after a miss (Mooncake's ids are prefix-chained, so for the unbounded cache this
 * equals plain id reuse, the README's figure).
 */
export function measureBlockHits(requests: readonly TraceRequest[], model: BlockCacheModel): BlockHitResult {
  // Insertion order is recency order: a used block is deleted and re-inserted.
  const lastUsed = new Map<number, number>();
  const maxBlocks = model.maxBlocks ?? Number.POSITIVE_INFINITY;
  const ttlMs = model.ttlMs ?? Number.POSITIVE_INFINITY;
  let blocks = 0;
  let hits = 0;
  for (const request of requests) {
    const now = request.timestamp;
    let prefix = true;
    for (const id of request.blockIds) {
      blocks++;
      const used = lastUsed.get(id);
      if (prefix && used !== undefined && now - used <= ttlMs) hits++;
      else prefix = false;
    }
    for (const id of request.blockIds) {
      lastUsed.delete(id);
      lastUsed.set(id, now);
    }
    while (lastUsed.size > maxBlocks) {
      const oldest = lastUsed.keys().next();
      if (oldest.done) break;
      lastUsed.delete(oldest.value);
    }
  }
  return { name: model.name, blocks, hits, hitRate: hits / blocks };
}
