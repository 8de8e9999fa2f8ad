import { ERROR_OUTCOMES } from '../ledger/ledger-record.js';
import { ROLLUP_BATCH_SUMS } from '../ledger/usage-rollup.js';

/** Sums over a set of requests, and the shares derived from them. */
export interface UsageTotals {
  /** Requests counted. */
  requests: number;
  /** Input tokens billed at the full input price. */
  uncachedInputTokens: number;
  /** Input tokens read from a provider's prefix cache. */
  cacheReadInputTokens: number;
  /** Input tokens written to a provider's prefix cache (all TTLs). */
  cacheWriteInputTokens: number;
  /** Of `cacheWriteInputTokens`, those with a one-hour TTL. */
  cacheWrite1hInputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  /** Of `outputTokens`, reasoning tokens. */
  reasoningTokens: number;
  /** What the requests cost, in USD. */
  costUsd: number;
  /** What they would have cost on the baseline model with no cache, in USD. */
  counterfactualCostUsd: number;
  /** `counterfactualCostUsd - costUsd`: negative when the gateway cost more than the baseline. */
  savingsUsd: number;
  /** `savingsUsd / counterfactualCostUsd`, 0 when the counterfactual is 0. */
  savingsShare: number;
  /** Requests answered from the gateway's exact or semantic cache. */
  cacheHits: number;
  /** `cacheHits / requests`, 0 when there are no requests. */
  cacheHitShare: number;
  /** Requests that ended in an error (client, upstream, budget or rejection; a client leaving is not one). */
  errors: number;
  /** Requests on models without a price: their cost is recorded as 0 and must be read as unknown. */
  unpricedRequests: number;
  /** Batch-priority requests: lines of a batch job, and single requests sent with `x-tollgate-priority: batch`. */
  batchRequests: number;
  /**
   * What the batch-priority requests cost, in USD (included in `costUsd`): lines sent through a
   * provider's batch API at its batch prices, the others at live prices.
   */
  batchCostUsd: number;
  /**
   * What the batch-priority requests saved against the providers' live prices, in USD: their cost
   * at live prices minus `batchCostUsd`. Requests recorded before the ledger kept live prices
   * (migration 3) count as saving nothing.
   */
  batchSavingUsd: number;
}

/** The sums a query returns, before shares are derived. */
export type UsageSums = Omit<UsageTotals, 'savingsUsd' | 'savingsShare' | 'cacheHitShare'>;

const errorList = ERROR_OUTCOMES.map((outcome) => `'${outcome}'`).join(', ');

/** The aggregate select list over `ledger_requests`, the same in both dialects (batch sums as the rollup's). */
export const USAGE_AGGREGATES_SQL = `COUNT(*) AS requests,
  COALESCE(SUM(uncached_input_tokens), 0) AS uncached_input_tokens,
  COALESCE(SUM(cache_read_input_tokens), 0) AS cache_read_input_tokens,
  COALESCE(SUM(cache_write_input_tokens), 0) AS cache_write_input_tokens,
  COALESCE(SUM(cache_write_1h_input_tokens), 0) AS cache_write_1h_input_tokens,
  COALESCE(SUM(output_tokens), 0) AS output_tokens,
  COALESCE(SUM(reasoning_tokens), 0) AS reasoning_tokens,
  COALESCE(SUM(cost_usd), 0) AS cost_usd,
  COALESCE(SUM(counterfactual_cost_usd), 0) AS counterfactual_cost_usd,
  COALESCE(SUM(CASE WHEN cache_status IN ('hit-exact', 'hit-semantic') THEN 1 ELSE 0 END), 0) AS cache_hits,
  COALESCE(SUM(CASE WHEN outcome IN (${errorList}) THEN 1 ELSE 0 END), 0) AS errors,
  COALESCE(SUM(CASE WHEN priced THEN 0 ELSE 1 END), 0) AS unpriced_requests,
  ${ROLLUP_BATCH_SUMS.map(({ column, source }) => `COALESCE(${source}, 0) AS ${column}`).join(',\n  ')}`;

/** Reads the aggregate columns of a row (PostgreSQL returns sums of BIGINT as strings). */
export function readUsageSums(row: Record<string, unknown>): UsageSums {
  return {
    requests: Number(row.requests ?? 0),
    uncachedInputTokens: Number(row.uncached_input_tokens ?? 0),
    cacheReadInputTokens: Number(row.cache_read_input_tokens ?? 0),
    cacheWriteInputTokens: Number(row.cache_write_input_tokens ?? 0),
    cacheWrite1hInputTokens: Number(row.cache_write_1h_input_tokens ?? 0),
    outputTokens: Number(row.output_tokens ?? 0),
    reasoningTokens: Number(row.reasoning_tokens ?? 0),
    costUsd: Number(row.cost_usd ?? 0),
    counterfactualCostUsd: Number(row.counterfactual_cost_usd ?? 0),
    cacheHits: Number(row.cache_hits ?? 0),
    errors: Number(row.errors ?? 0),
    unpricedRequests: Number(row.unpriced_requests ?? 0),
    batchRequests: Number(row.batch_requests ?? 0),
    batchCostUsd: Number(row.batch_cost_usd ?? 0),
    batchSavingUsd: Number(row.batch_saving_usd ?? 0),
  };
}

/** Sums with every count at zero. */
export function emptyUsageSums(): UsageSums {
  return readUsageSums({});
}

/** Adds `addend` into `total` (for merging slices of a scan). */
export function addUsageSums(total: UsageSums, addend: UsageSums): void {
  for (const field of Object.keys(total) as (keyof UsageSums)[]) total[field] += addend[field];
}

/** Sums with the derived savings and shares. */
export function toUsageTotals(sums: UsageSums): UsageTotals {
  const savingsUsd = sums.counterfactualCostUsd - sums.costUsd;
  return {
    ...sums,
    savingsUsd,
    savingsShare: sums.counterfactualCostUsd > 0 ? savingsUsd / sums.counterfactualCostUsd : 0,
    cacheHitShare: sums.requests > 0 ? sums.cacheHits / sums.requests : 0,
  };
}
