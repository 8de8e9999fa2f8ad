import type { LatencyEstimator } from '../stages/route/latency-estimator.js';
import type { ManagedAttemptGuard } from './create-attempt-guard.js';

/**
 * A slow-speed demotion lasts this long after the last slow observation: a demoted endpoint gets
 * little traffic, so without an end it could never show that it recovered.
 */
export const DEMOTION_MS = 60_000;

/**
 * What the router's latency rule reads, from the attempt guard's averages: the expected time to the
 * first token is the EWMA of time to first token (or of attempt duration where only non-streamed
 * calls were seen) plus the current expected queue wait; an endpoint is demoted while its output
 * speed EWMA is below `limits.min_output_tokens_per_second`.
 */
export function createLatencyEstimator(guard: ManagedAttemptGuard, now: () => number = Date.now): LatencyEstimator {
  return {
    expectedFirstTokenMs(deploymentId) {
      const latency = guard.latency(deploymentId);
      const firstToken = latency.ttftMs ?? latency.attemptMs;
      if (firstToken === undefined) return undefined;
      const deployment = guard.deployment(deploymentId);
      return firstToken + ((deployment && guard.expectedQueueWaitMs(deployment)) || 0);
    },
    isDemoted(deploymentId) {
      const floor = guard.deployment(deploymentId)?.provider.limits.min_output_tokens_per_second;
      if (floor === undefined) return false;
      const latency = guard.latency(deploymentId);
      return (
        latency.outputTokensPerSecond !== undefined &&
        latency.outputTokensPerSecond < floor &&
        now() - (latency.speedObservedAtMs ?? 0) < DEMOTION_MS
      );
    },
  };
}
