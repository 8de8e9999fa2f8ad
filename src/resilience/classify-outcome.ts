import type { GatewayError } from '../spec/index.js';

/**
 * How an attempt counts for its circuit breaker: a success, a failure of the endpoint (5xx, timeouts,
 * resets, malformed or cut bodies), or nothing at all. Client errors (4xx, including an upstream 429,
 * which retries and the rate limiter handle) say nothing about the endpoint's health, and neither
 * does a client going away.
 */
export function classifyOutcome(error: GatewayError | undefined): 'success' | 'failure' | 'ignored' {
  if (!error) return 'success';
  if (error.code === 'cancelled') return 'ignored';
  return error.status >= 500 ? 'failure' : 'ignored';
}
