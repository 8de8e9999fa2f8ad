import type { Deployment } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import type { GatewayError } from '../../spec/index.js';

/**
 * Per-endpoint protection around each attempt: circuit breakers, rate limits and concurrency
 * queues plug in here. `acquire` waits for capacity or throws a GatewayError to skip the deployment.
 */
export interface AttemptGuard {
  /** Waits for the deployment to take one more request; returns the release function. */
  acquire(input: {
    deployment: Deployment;
    context: RequestContext;
    estimatedInputTokens: number;
  }): Promise<() => void>;
  /** Reports how the attempt went (breakers count failures; 4xx do not count). */
  report(input: {
    deployment: Deployment;
    error: GatewayError | undefined;
    latencyMs: number;
    ttftMs: number | undefined;
  }): void;
}

/** No limits: every attempt proceeds. */
export const openAttemptGuard: AttemptGuard = {
  acquire: async () => () => {},
  report: () => {},
};
