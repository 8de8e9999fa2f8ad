import type { GatewayError } from '../../spec/index.js';

/** How hard to try one deployment before falling back to the next. */
export interface RetryPolicy {
  /** Extra tries on the same deployment after a retryable error. */
  maxRetries: number;
  /** First backoff ceiling; doubles each retry. */
  baseDelayMs: number;
  /** Largest backoff. */
  maxDelayMs: number;
  /** A `retry-after` longer than this moves on to the next deployment instead of waiting. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 1,
  baseDelayMs: 100,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 10_000,
};

/**
 * Delay before retry number `retry` (0-based), or undefined to stop retrying this deployment.
 * Exponential backoff with full jitter (a uniformly random delay up to the ceiling), as AWS's
 * "Exponential Backoff And Jitter" recommends to avoid synchronized retries; a provider's
 * `retry-after` is honoured when it is within bounds.
 */
export function retryDelay(options: {
  error: GatewayError;
  retry: number;
  policy: RetryPolicy;
  random?: () => number;
}): number | undefined {
  const { error, retry, policy } = options;
  if (!error.retryable || retry >= policy.maxRetries) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jitter = Math.floor((options.random ?? Math.random)() * ceiling);
  if (error.retryAfterMs === undefined) return jitter;
  if (error.retryAfterMs > policy.maxRetryAfterMs) return undefined;
  return Math.max(error.retryAfterMs, jitter);
}

/** Whether a failed deployment should hand over to the next one. */
export function shouldFallBack(error: GatewayError): boolean {
  if (error.retryable) return true;
  // A bad key or a too-small context at one provider says nothing about the next one.
  return (
    error.code === 'upstream_authentication' || error.code === 'context_length_exceeded' || error.code === 'no_route'
  );
}
