import type { BreakerConfig } from '../config/config-schema.js';
import type { Deployment } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { Logger } from '../logging/create-logger.js';
import type {
  AdmitInput,
  AdmitOutcome,
  BreakerPhase,
  BreakerSettings,
  SharedState,
} from '../shared-state/shared-state.js';
import { GatewayError } from '../spec/index.js';
import type { AttemptGuard } from '../stages/attempt/attempt-guard.js';
import { sleepWithSignal } from '../stages/attempt/run-fallback-chain.js';
import { classifyOutcome } from './classify-outcome.js';
import { ConcurrencyLimiter, type ConcurrencySettings } from './concurrency-limiter.js';
import { type DeploymentLatency, LatencyTracker } from './latency-tracker.js';

/** Counts of what the guard did, since start (monotonic, for Prometheus counters). */
export interface GuardCounters {
  /** Attempts refused because the deployment's breaker was open or probing. */
  breakerSkips: number;
  /** Breakers that opened. */
  breakerOpenings: number;
  /** Attempts that waited for rate-limit capacity. */
  rateLimitWaits: number;
  /** Attempts refused because rate-limit capacity would not come in time. */
  rateLimitSkips: number;
  /** Attempts refused by the concurrency queue (full, timed out, or too slow for the latency budget). */
  queueSkips: number;
}

/** The attempt guard, plus what the router and metrics read. */
export interface ManagedAttemptGuard extends AttemptGuard {
  /** Time-to-first-token, attempt duration and output speed averages of a deployment. */
  latency(deploymentId: string): DeploymentLatency;
  /** Expected wait in the deployment's concurrency queue, ms (0 without a limit or when a slot is free). */
  expectedQueueWaitMs(deployment: Deployment): number | undefined;
  /**
   * Counts a stream that committed at its first token, once it has ended: its attempt was reported
   * when it committed, but only its end says whether the endpoint delivered (a cut counts as a failure).
   */
  reportStreamEnd(input: { deployment: Deployment; error: GatewayError | undefined }): void;
  /** Deployments seen so far. */
  deployments(): Deployment[];
  /** A deployment seen so far, by id. */
  deployment(id: string): Deployment | undefined;
  /** Concurrency limiters by endpoint (provider) name. */
  limiters(): [string, ConcurrencyLimiter][];
  readonly counters: GuardCounters;
  readonly tracker: LatencyTracker;
  close(): void;
}

/** Options for {@link createAttemptGuard}. */
export interface CreateAttemptGuardOptions {
  sharedState: SharedState;
  /** The current `resilience.breaker` settings. */
  breaker: () => BreakerConfig;
  /** The current `resilience.latency_ewma_alpha`. */
  alpha: () => number;
  logger: Logger;
}

/** How long successes are gathered before one breaker update on a shared store. */
const SUCCESS_BATCH_MS = 100;

/** A store outage is logged at most this often (the guard keeps serving meanwhile). */
const ERROR_LOG_INTERVAL_MS = 10_000;

function breakerSettings(config: BreakerConfig): BreakerSettings {
  return {
    failureRatio: config.failure_ratio,
    windowMs: config.window_ms,
    minRequests: config.min_requests,
    cooldownMs: config.cooldown_ms,
    halfOpenProbes: config.half_open_probes,
  };
}

function rateTakes(deployment: Deployment, estimatedInputTokens: number): AdmitInput['takes'] {
  const { limits, name } = deployment.provider;
  const takes: AdmitInput['takes'] = [];
  if (limits.rpm) {
    takes.push({
      bucket: { key: `rate:${name}:rpm`, capacity: limits.rpm, refillPerSecond: limits.rpm / 60 },
      amount: 1,
    });
  }
  if (limits.tpm) {
    takes.push({
      bucket: { key: `rate:${name}:tpm`, capacity: limits.tpm, refillPerSecond: limits.tpm / 60 },
      amount: Math.max(1, estimatedInputTokens),
    });
  }
  return takes;
}

/** The TPM bucket of an endpoint, for charging output tokens after the fact. */
export function tpmBucket(deployment: Deployment) {
  const { limits, name } = deployment.provider;
  return limits.tpm ? { key: `rate:${name}:tpm`, capacity: limits.tpm, refillPerSecond: limits.tpm / 60 } : undefined;
}

/**
 * Per-deployment protection around each attempt, all state shared through the store so that several
 * instances act as one: a circuit breaker (closed → open on a failure ratio → half-open probes after
 * the cooldown), RPM and TPM token buckets of the endpoint (wait for capacity within the queue timeout
 * and the request's latency budget, else skip to the next deployment), and the endpoint's concurrency
 * limit with a bounded queue. Rate limits and concurrency apply to the provider endpoint as a whole,
 * as `providers[].limits` declares them; breakers are per model. When the store fails, attempts are
 * let through (the provider's own limits still apply) and the failure is logged.
 */
export function createAttemptGuard(options: CreateAttemptGuardOptions): ManagedAttemptGuard {
  const { sharedState, logger } = options;
  const tracker = new LatencyTracker(options.alpha);
  const limiters = new Map<string, ConcurrencyLimiter>();
  const seen = new Map<string, Deployment>();
  const probes = new Map<string, number>();
  const phases = new Map<string, BreakerPhase>();
  const counters: GuardCounters = {
    breakerSkips: 0,
    breakerOpenings: 0,
    rateLimitWaits: 0,
    rateLimitSkips: 0,
    queueSkips: 0,
  };
  let lastErrorLogMs = 0;
  const storeFailed = (error: unknown): void => {
    const now = Date.now();
    if (now - lastErrorLogMs < ERROR_LOG_INTERVAL_MS) return;
    lastErrorLogMs = now;
    logger.error({ err: error }, 'attempt guard: shared state failed; letting attempts through');
  };

  const limiterOf = (deployment: Deployment, settings: ConcurrencySettings): ConcurrencyLimiter => {
    const name = deployment.provider.name;
    let limiter = limiters.get(name);
    if (!limiter) {
      limiter = new ConcurrencyLimiter({
        key: `endpoint:${name}`,
        name,
        sharedState,
        settings,
        alpha: options.alpha,
        onError: storeFailed,
      });
      limiters.set(name, limiter);
    }
    return limiter;
  };

  const latencyLeft = (context: RequestContext): number | undefined => {
    const budget = context.directives.latencyBudgetMs;
    return budget === undefined ? undefined : Math.max(0, budget - (performance.now() - context.startedAt));
  };

  const admit = async (input: AdmitInput): Promise<AdmitOutcome> => {
    try {
      return await sharedState.admitAttempt(input);
    } catch (error) {
      storeFailed(error);
      return { admitted: true, probe: false };
    }
  };

  const releaseProbe = (deployment: Deployment, settings: BreakerSettings): void => {
    probes.set(deployment.id, Math.max(0, (probes.get(deployment.id) ?? 0) - 1));
    sharedState.recordOutcome({ key: deployment.id, settings, outcome: 'ignored', probe: true }).catch(storeFailed);
  };

  /**
   * Reports carry no handle to their acquire; with few probes at a time, the next outcome of the
   * deployment stands for the probe (any attempt's outcome is evidence of its health).
   */
  const takeProbe = (deployment: Deployment): boolean => {
    const waiting = probes.get(deployment.id) ?? 0;
    if (waiting > 0) probes.set(deployment.id, waiting - 1);
    return waiting > 0;
  };

  /**
   * On a shared store, successes are counted in one call per deployment every SUCCESS_BATCH_MS
   * rather than one per request; anything else (a failure, a probe) first flushes the deployment's
   * pending successes, so the failure ratio is never judged without them.
   */
  const pendingSuccesses = new Map<string, { deployment: Deployment; count: number }>();
  let flushTimer: NodeJS.Timeout | undefined;
  const flushSuccesses = (only?: string): void => {
    for (const [id, pending] of pendingSuccesses) {
      if (only !== undefined && id !== only) continue;
      pendingSuccesses.delete(id);
      send(pending.deployment, 'success', false, pending.count);
    }
  };

  const record = (deployment: Deployment, outcome: 'success' | 'failure' | 'ignored', probe: boolean): void => {
    if (outcome === 'success' && !probe && sharedState.kind === 'redis') {
      const pending = pendingSuccesses.get(deployment.id);
      if (pending) pending.count++;
      else pendingSuccesses.set(deployment.id, { deployment, count: 1 });
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        flushSuccesses();
      }, SUCCESS_BATCH_MS).unref();
      return;
    }
    // An ignored outcome changes nothing unless it frees a probe.
    if (outcome === 'ignored' && !probe) return;
    flushSuccesses(deployment.id);
    send(deployment, outcome, probe, 1);
  };

  const send = (
    deployment: Deployment,
    outcome: 'success' | 'failure' | 'ignored',
    probe: boolean,
    count: number,
  ): void => {
    const settings = breakerSettings(options.breaker());
    sharedState
      .recordOutcome({ key: deployment.id, settings, outcome, probe, count })
      .then((state) => {
        const before = phases.get(deployment.id) ?? 'closed';
        phases.set(deployment.id, state.phase);
        if (state.phase === before) return;
        if (state.phase === 'open') {
          counters.breakerOpenings++;
          logger.warn({ deployment: deployment.id, cooldownMs: settings.cooldownMs }, 'circuit breaker opened');
        } else if (state.phase === 'closed') {
          logger.info({ deployment: deployment.id }, 'circuit breaker closed');
        }
      })
      .catch(storeFailed);
  };

  return {
    counters,
    tracker,

    async acquire({ deployment, context, estimatedInputTokens }) {
      seen.set(deployment.id, deployment);
      const { limits } = deployment.provider;
      const settings = breakerSettings(options.breaker());
      const deadline = performance.now() + limits.queue_timeout_ms;
      const takes = rateTakes(deployment, estimatedInputTokens);
      let outcome = await admit({ breaker: { key: deployment.id, settings }, takes });
      let waited = false;
      while (!outcome.admitted) {
        if (outcome.reason === 'breaker') {
          counters.breakerSkips++;
          const retry = outcome.breaker.retryInMs;
          throw new GatewayError({
            code: 'upstream_overloaded',
            message:
              outcome.breaker.phase === 'open'
                ? `Circuit open for ${deployment.id}: it failed too often recently; probing again in ${Math.ceil(retry / 1000)} s.`
                : `Circuit half-open for ${deployment.id}: a probe request is testing it.`,
            endpoint: deployment.id,
            retryAfterMs: retry > 0 ? retry : undefined,
          });
        }
        const left = latencyLeft(context);
        const allowed = Math.min(deadline - performance.now(), left ?? Number.POSITIVE_INFINITY);
        if (outcome.waitMs > allowed) {
          counters.rateLimitSkips++;
          const declared = [limits.rpm && `rpm ${limits.rpm}`, limits.tpm && `tpm ${limits.tpm}`].filter(Boolean);
          throw new GatewayError({
            code: 'rate_limited',
            message: `Rate limit of ${deployment.provider.name} reached (${declared.join(', ')}); capacity in about ${Math.ceil(outcome.waitMs)} ms, more than this request can wait.`,
            endpoint: deployment.id,
            retryAfterMs: outcome.waitMs,
          });
        }
        if (!waited) counters.rateLimitWaits++;
        waited = true;
        await sleepWithSignal(outcome.waitMs, context.abort.signal);
        outcome = await admit({ breaker: { key: deployment.id, settings }, takes });
      }
      if (outcome.probe) {
        probes.set(deployment.id, (probes.get(deployment.id) ?? 0) + 1);
        phases.set(deployment.id, 'half-open');
      }
      if (!limits.max_concurrency) return () => {};
      const concurrency: ConcurrencySettings = {
        maxConcurrency: limits.max_concurrency,
        queueSize: limits.queue_size,
        queueTimeoutMs: Math.max(0, deadline - performance.now()),
      };
      try {
        return await limiterOf(deployment, concurrency).acquire({
          settings: concurrency,
          signal: context.abort.signal,
          maxWaitMs: latencyLeft(context),
        });
      } catch (error) {
        if (outcome.probe) releaseProbe(deployment, settings);
        if (error instanceof GatewayError && error.code !== 'cancelled') counters.queueSkips++;
        throw error;
      }
    },

    reportStreamEnd({ deployment, error }) {
      record(deployment, classifyOutcome(error), takeProbe(deployment));
    },

    report({ deployment, error, latencyMs, ttftMs }) {
      const outcome = classifyOutcome(error);
      if (outcome === 'success') tracker.observeAttempt({ deploymentId: deployment.id, latencyMs, ttftMs });
      // A stream that committed (it has a first token) is judged when it ends: reportStreamEnd.
      if (outcome === 'success' && ttftMs !== undefined) return;
      record(deployment, outcome, takeProbe(deployment));
    },

    latency: (deploymentId) => tracker.get(deploymentId),

    expectedQueueWaitMs(deployment) {
      if (!deployment.provider.limits.max_concurrency) return 0;
      const limiter = limiters.get(deployment.provider.name);
      return limiter ? limiter.expectedWaitMs() : 0;
    },

    deployments: () => [...seen.values()],
    deployment: (id) => seen.get(id),
    limiters: () => [...limiters],

    close() {
      if (flushTimer) clearTimeout(flushTimer);
      flushTimer = undefined;
      flushSuccesses();
      for (const limiter of limiters.values()) limiter.close();
    },
  };
}
