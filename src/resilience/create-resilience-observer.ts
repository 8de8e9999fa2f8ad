import type { BucketSpec, SharedState } from '../shared-state/shared-state.js';

const DEBIT_BATCH_MS = 100;

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
}): SettleObserver & { counters: AttemptCounters; flush(): void } {
  const { tracker } = options.guard;
  const counters: AttemptCounters = { requests: 0, attempts: 0, retries: 0, fallbacks: 0 };
  // On a shared store, output tokens are charged in one call per bucket every DEBIT_BATCH_MS.
  const pendingDebits = new Map<string, { bucket: BucketSpec; amount: number }>();
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    flushTimer = undefined;
    for (const { bucket, amount } of pendingDebits.values()) {
      options.sharedState.debitBucket({ bucket, amount }).catch(options.onError);
    }
    pendingDebits.clear();
  };
  const debit = (bucket: BucketSpec, amount: number): void => {
    if (options.sharedState.kind !== 'redis') {
      options.sharedState.debitBucket({ bucket, amount }).catch(options.onError);
      return;
    }
    const pending = pendingDebits.get(bucket.key);
    if (pending) pending.amount += amount;
    else pendingDebits.set(bucket.key, { bucket, amount });
    flushTimer ??= setTimeout(flush, DEBIT_BATCH_MS).unref();
  };
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
    flush() {
      if (flushTimer) clearTimeout(flushTimer);
      flush();
    },
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
        if (bucket && output > 0) debit(bucket, output);
      }
      observeSpeed(settled);
      const answering = settled.attempts.at(-1);
      if (settled.stream && answering?.ttftMs !== undefined) {
        options.guard.reportStreamEnd({ deployment: answering.deployment, error: answering.error });
      }
    },
  };
}
