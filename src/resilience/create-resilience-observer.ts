import type { SharedState } from '../shared-state/shared-state.js';
import type { SettledRequest, SettleObserver } from '../stages/settle/settled-request.js';
import { type ManagedAttemptGuard, tpmBucket } from './create-attempt-guard.js';

/** Counts over settled requests, since start. */
export interface AttemptCounters {
  /** Requests that made at least one upstream attempt. */
  requests: number;
  /** Upstream attempts. */
  attempts: number;
  /** Attempts that repeated the previous attempt's deployment. */
  retries: number;
  /** Attempts that moved on to another deployment. */
  fallbacks: number;
}

/**
 * The resilience layer's view of finished requests: retry and fallback counts for metrics, output
 * tokens charged to the endpoint's TPM bucket (only input tokens are known when an attempt starts),
 * output speed for the latency averages, and the end of every committed stream for its breaker (the
 * attempt stage reports a stream at its first token, before it knows whether the stream completes).
 */
export function createResilienceObserver(options: {
  sharedState: SharedState;
  guard: ManagedAttemptGuard;
  onError: (error: unknown) => void;
}): SettleObserver & { counters: AttemptCounters } {
  const { tracker } = options.guard;
  const counters: AttemptCounters = { requests: 0, attempts: 0, retries: 0, fallbacks: 0 };
  const observeSpeed = (settled: SettledRequest): void => {
    const answering = settled.attempts.at(-1);
    if (!answering || answering.error || !answering.usage || settled.outcome !== 'success') return;
    const tokens = answering.usage.outputTokens;
    const deploymentId = answering.deployment.id;
    const firstToken = answering.ttftMs ?? tracker.get(deploymentId).ttftMs ?? 0;
    const generatingMs = answering.latencyMs - firstToken;
    if (tokens < 2 || generatingMs <= 0) return;
    tracker.observeSpeed({ deploymentId, tokensPerSecond: (tokens * 1000) / generatingMs });
  };
  return {
    counters,
    onSettled(settled) {
      if (settled.attempts.length === 0) return;
      counters.requests++;
      counters.attempts += settled.attempts.length;
      for (const [index, attempt] of settled.attempts.entries()) {
        const previous = settled.attempts[index - 1];
        if (previous) {
          if (previous.deployment.id === attempt.deployment.id) counters.retries++;
          else counters.fallbacks++;
        }
        const bucket = tpmBucket(attempt.deployment);
        const output = attempt.usage?.outputTokens ?? 0;
        if (bucket && output > 0) {
          options.sharedState.debitBucket({ bucket, amount: output }).catch(options.onError);
        }
      }
      observeSpeed(settled);
      const answering = settled.attempts.at(-1);
      if (settled.stream && answering?.ttftMs !== undefined) {
        options.guard.reportStreamEnd({ deployment: answering.deployment, error: answering.error });
      }
    },
  };
}
