import type { BatchConfig } from '../config/config-schema.js';
import type { RequestContext } from '../gateway/request-context.js';
import { GatewayError } from '../spec/index.js';
import type { BudgetLayer } from '../stages/budget/budget-layer.js';
import type { BatchCapacity } from './batch-capacity.js';
import { isBudgetClosedToBatch } from './check-budget-room.js';

/** Options for {@link createBatchAdmission}. */
export interface BatchAdmissionOptions {
  capacity: BatchCapacity;
  /** The gateway's budgets (read per call, so a swapped layer applies). */
  budgets: () => BudgetLayer;
  config: () => BatchConfig;
  now?: () => number;
}

/**
 * Admission for a single `x-tollgate-priority: batch` request: waits (instead of refusing) while a
 * budget that applies is past `throttle_at` or while interactive traffic holds the batch capacity,
 * for at most `batch.queue_timeout_ms`. Resolves with the release to call when the request has
 * settled; rejects with `budget_exceeded` (the budget never made room), `rate_limited` (no capacity
 * came free) or `cancelled` (the client went away).
 */
export type BatchAdmission = (options: { context: RequestContext; signal?: AbortSignal }) => Promise<() => void>;

function sleep(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GatewayError({ code: 'cancelled', message: 'The client went away while its request was queued.' }));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Builds the admission the gateway core calls before reserving budget for a batch-priority request. */
export function createBatchAdmission(options: BatchAdmissionOptions): BatchAdmission {
  const now = options.now ?? Date.now;
  return async ({ context, signal }) => {
    const config = options.config();
    const deadline = now() + config.queue_timeout_ms;
    for (;;) {
      const state = await options.budgets().state(context);
      if (!isBudgetClosedToBatch(state)) break;
      const left = deadline - now();
      if (left <= 0) {
        throw new GatewayError({
          code: 'budget_exceeded',
          message: `Budget "${state.budget}" stayed past its throttle threshold for the ${config.queue_timeout_ms} ms this batch-priority request may wait (batch.queue_timeout_ms); submit it as a batch job to wait longer.`,
          retryAfterMs: config.poll_interval_ms,
        });
      }
      await sleep(Math.min(config.poll_interval_ms, left), signal);
    }
    return options.capacity.acquire({ timeoutMs: Math.max(1, deadline - now()), signal });
  };
}
