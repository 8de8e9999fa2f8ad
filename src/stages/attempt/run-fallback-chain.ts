import type { Deployment } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { GatewayError, toGatewayError } from '../../spec/index.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { AttemptLog } from './attempt-log.js';
import { type RetryPolicy, retryDelay, shouldFallBack } from './retry-policy.js';

/** The end of a fallback chain: a value from some deployment, or the last error. */
export type FallbackResult<T> =
  | { ok: true; value: T; deployment: Deployment; attempts: AttemptLog[] }
  | { ok: false; error: GatewayError; attempts: AttemptLog[] };

/** Sleeps, waking early (with a rejection) when the signal aborts. */
export function sleepWithSignal(milliseconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new GatewayError({ code: 'cancelled', message: 'The client went away.' }));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new GatewayError({ code: 'cancelled', message: 'The client went away.' }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The attempt stage's loop: each candidate in order, retried with backoff on retryable errors, then
 * the next candidate. `attempt` performs one call and throws a GatewayError on failure; it may fill
 * in the log's usage and ttft. Every attempt, failed or not, is returned for the ledger.
 */
export async function runFallbackChain<T>(options: {
  candidates: Deployment[];
  context: RequestContext;
  policy: RetryPolicy;
  guard: AttemptGuard;
  estimatedInputTokens: number;
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  /**
   * One call. Calling `keep()` takes over the deployment's capacity slot (a stream holds it until it
   * ends) and returns the function that frees it.
   */
  attempt: (deployment: Deployment, log: AttemptLog, keep: () => () => void) => Promise<T>;
}): Promise<FallbackResult<T>> {
  const attempts: AttemptLog[] = [];
  const sleep = options.sleep ?? sleepWithSignal;
  const signal = options.context.abort.signal;
  let lastError: GatewayError | undefined;
  for (const deployment of options.candidates) {
    for (let retry = 0; ; retry++) {
      if (signal.aborted) {
        return {
          ok: false,
          error: new GatewayError({ code: 'cancelled', message: 'The client went away.' }),
          attempts,
        };
      }
      let release: () => void;
      try {
        release = await options.guard.acquire({
          deployment,
          context: options.context,
          estimatedInputTokens: options.estimatedInputTokens,
        });
      } catch (thrown) {
        lastError = toGatewayError(thrown);
        break;
      }
      const log: AttemptLog = {
        deployment,
        startedAtEpochMs: Date.now(),
        latencyMs: 0,
        ttftMs: undefined,
        error: undefined,
        usage: undefined,
      };
      const started = performance.now();
      let value: T;
      let kept = false;
      const keep = (): (() => void) => {
        kept = true;
        return release;
      };
      try {
        value = await options.attempt(deployment, log, keep);
      } catch (thrown) {
        release();
        const error = toGatewayError(thrown);
        log.latencyMs = performance.now() - started;
        log.error = error;
        attempts.push(log);
        options.guard.report({ deployment, error, latencyMs: log.latencyMs, ttftMs: log.ttftMs });
        lastError = error;
        if (error.code === 'cancelled' || !shouldFallBack(error)) return { ok: false, error, attempts };
        const delay = retryDelay({ error, retry, policy: options.policy });
        if (delay === undefined) break;
        try {
          await sleep(delay, signal);
        } catch (sleepError) {
          return { ok: false, error: toGatewayError(sleepError), attempts };
        }
        continue;
      }
      if (!kept) release();
      log.latencyMs = performance.now() - started;
      attempts.push(log);
      options.guard.report({ deployment, error: undefined, latencyMs: log.latencyMs, ttftMs: log.ttftMs });
      return { ok: true, value, deployment, attempts };
    }
  }
  return {
    ok: false,
    error: lastError ?? new GatewayError({ code: 'no_route', message: 'No deployment could be tried.' }),
    attempts,
  };
}
