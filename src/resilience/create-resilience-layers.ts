import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBudgetAdminHandler } from '../budgets/budget-admin-handler.js';
import { type BudgetSnapshot, createBudgetLayer, type ManagedBudgetLayer } from '../budgets/create-budget-layer.js';
import { type BudgetWebhookPayload, createBudgetWebhookSender } from '../budgets/send-budget-webhook.js';
import type { ConfigFile } from '../config/config-schema.js';
import { createKeyStore } from '../keys/create-key-store.js';
import { createVirtualKeys, type VirtualKeys } from '../keys/create-virtual-keys.js';
import { createKeyAdminHandlers, type KeyAdminHandlers } from '../keys/key-admin-handlers.js';
import type { KeyStore } from '../keys/key-store.js';
import type { Logger } from '../logging/create-logger.js';
import { createSharedState } from '../shared-state/create-shared-state.js';
import type { BreakerPhase, SharedState } from '../shared-state/shared-state.js';
import type { LatencyEstimator } from '../stages/route/latency-estimator.js';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import { createAttemptGuard, type GuardCounters, type ManagedAttemptGuard } from './create-attempt-guard.js';
import { createLatencyEstimator } from './create-latency-estimator.js';
import { type AttemptCounters, createResilienceObserver } from './create-resilience-observer.js';

/** Numbers for metrics and the dashboard, read on demand. */
export interface ResilienceSnapshot {
  /** Breaker of every deployment attempted so far (from the shared state, so the same on every instance). */
  breakers: { deployment: string; phase: BreakerPhase; retryInMs: number }[];
  /** Concurrency queues of endpoints with `max_concurrency`, on this instance. */
  queues: { endpoint: string; depth: number; inFlight: number; expectedWaitMs: number | undefined }[];
  /** Latency averages per deployment, on this instance. */
  latency: {
    deployment: string;
    ttftMs: number | undefined;
    attemptMs: number | undefined;
    outputTokensPerSecond: number | undefined;
    samples: number;
  }[];
  /** Monotonic counters since this instance started. */
  counters: GuardCounters & AttemptCounters;
  /** Budgets seen recently, with their utilisation (from the shared state). */
  budgets: BudgetSnapshot[];
}

/** Everything issue 4 adds to a gateway; see `createResilienceLayers`. */
export interface ResilienceLayers {
  /** The store every layer shares (`storage.shared_state`). */
  sharedState: SharedState;
  /** For `createGateway({ budgets })`. */
  budgets: ManagedBudgetLayer;
  /** For `createGateway({ guard })`; also the latency averages the router reads. */
  guard: ManagedAttemptGuard;
  /** For `createGateway({ latency })`: expected time to first token and slow-endpoint demotion. */
  latency: LatencyEstimator;
  /** For `createGateway({ observers: [observer] })`: retries, fallbacks, TPM charges, output speed. */
  observer: SettleObserver;
  /** Virtual keys; `keys.resolver` goes to `core.keys`. */
  keys: VirtualKeys;
  /** /admin/keys handlers and `GET /admin/budgets`. */
  admin: KeyAdminHandlers & { budgets: (request: IncomingMessage, response: ServerResponse) => Promise<void> };
  /** Metrics numbers. */
  snapshot(): Promise<ResilienceSnapshot>;
  /** Whether the shared state answers (for /readyz). */
  ready(): Promise<boolean>;
  /** Stops timers; closes the shared state and key store it opened (not ones passed in). */
  close(): Promise<void>;
}

/** Options for {@link createResilienceLayers}. */
export interface CreateResilienceLayersOptions {
  /** The configuration, or a getter of the current one (so that a reload applies to budgets and breakers). */
  config: ConfigFile | (() => ConfigFile);
  logger: Logger;
  /** Environment for the PostgreSQL URL of the key store (default `process.env`). */
  environment?: NodeJS.ProcessEnv;
  /** A store to use instead of the one `storage.shared_state` names (tests). */
  sharedState?: SharedState;
  /** A key store to use instead of the one beside the ledger (tests). */
  keyStore?: KeyStore;
  /** The master key for the admin handlers (default: none, like a gateway without one). */
  masterKey?: () => string | undefined;
  /** Every budget threshold crossing (webhook or not), e.g. the admin API's `recordAlert`. */
  onBudgetAlert?: (alert: BudgetWebhookPayload) => void;
}

/**
 * Builds budgets, the attempt guard, virtual keys and their admin handlers over one shared state.
 * Storage settings are read once (a reload does not move the shared state or the key store); budgets,
 * breaker settings and provider limits are read per request.
 */
export async function createResilienceLayers(options: CreateResilienceLayersOptions): Promise<ResilienceLayers> {
  const { logger } = options;
  const currentConfig = typeof options.config === 'function' ? options.config : () => options.config as ConfigFile;
  const initial = currentConfig();
  const sharedState = options.sharedState ?? createSharedState({ storage: initial.storage, logger });
  const onError = (error: unknown): void => {
    logger.error({ err: error }, 'resilience layer: shared state failed');
  };
  const keyStore =
    options.keyStore ??
    (await createKeyStore({ storage: initial.storage, environment: options.environment ?? process.env, onError }));
  const keys = createVirtualKeys({ store: keyStore });
  const budgets = createBudgetLayer({
    sharedState,
    budgets: () => currentConfig().budgets,
    keyBudget: keys.keyBudget,
    leaseMs: () => currentConfig().resilience.reservation_lease_ms,
    webhook: createBudgetWebhookSender({ logger, onAlert: options.onBudgetAlert }),
    logger,
  });
  const guard = createAttemptGuard({
    sharedState,
    breaker: () => currentConfig().resilience.breaker,
    alpha: () => currentConfig().resilience.latency_ewma_alpha,
    logger,
  });
  const observer = createResilienceObserver({ sharedState, guard, onError });
  const masterKey = options.masterKey ?? (() => undefined);
  const admin = {
    ...createKeyAdminHandlers({ keys, masterKey }),
    budgets: createBudgetAdminHandler({ budgets, masterKey }),
  };

  return {
    sharedState,
    budgets,
    guard,
    latency: createLatencyEstimator(guard),
    observer,
    keys,
    admin,
    async snapshot() {
      const deployments = guard.deployments();
      const breakers = await Promise.all(
        deployments.map(async (deployment) => ({
          deployment: deployment.id,
          ...(await sharedState.readBreaker(deployment.id)),
        })),
      );
      return {
        breakers,
        queues: guard.limiters().map(([endpoint, limiter]) => ({
          endpoint,
          depth: limiter.depth,
          inFlight: limiter.inFlight,
          expectedWaitMs: limiter.expectedWaitMs(),
        })),
        latency: guard.tracker.all().map(([deployment, latency]) => ({ deployment, ...latency })),
        counters: { ...guard.counters, ...observer.counters },
        budgets: await budgets.snapshot(),
      };
    },
    ready: () => sharedState.ping(),
    async close() {
      guard.close();
      observer.flush();
      await Promise.allSettled([
        options.sharedState ? undefined : sharedState.close(),
        options.keyStore ? undefined : keyStore.close(),
      ]);
    },
  };
}
