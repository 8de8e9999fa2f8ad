import type { IncomingMessage } from 'node:http';
import type { Logger } from '../logging/create-logger.js';
import type { AnsweredListener } from '../routing/answered-event.js';
import type { AttemptGuard } from '../stages/attempt/attempt-guard.js';
import type { RetryPolicy } from '../stages/attempt/retry-policy.js';
import type { VirtualKeyResolver } from '../stages/auth/authenticate.js';
import type { BudgetLayer } from '../stages/budget/budget-layer.js';
import type { CacheLayer } from '../stages/cache/cache-layer.js';
import type { LatencyEstimator } from '../stages/route/latency-estimator.js';
import type { AutoRouter } from '../stages/route/resolve-route.js';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import type { Runtime } from './create-runtime.js';
import type { RequestContext } from './request-context.js';

/** What the request path reads; `runtime` is swapped whole on a config reload. */
export interface GatewayCore {
  /** Built from the current config. */
  runtime: Runtime;
  /** JSON logs with secrets redacted. */
  logger: Logger;
  /** The master key for /admin and the dashboard, from the environment. */
  masterKey: string | undefined;
  /** Virtual keys, when the keys layer is on. */
  keys: VirtualKeyResolver | undefined;
  /** Chooses tiers for `model: "auto"`. */
  autoRouter: AutoRouter;
  /** Observed latency per deployment, for the latency rule. */
  latency: LatencyEstimator;
  /** Breakers, rate limits and queues around each attempt. */
  guard: AttemptGuard;
  /** Retries per deployment. */
  retryPolicy: RetryPolicy;
  /** Receivers of settled requests (ledger, metrics). */
  observers: SettleObserver[];
  /** Budgets: reserve before the call, settle after. */
  budgets: BudgetLayer;
  /** Exact and semantic answer caches. */
  cache: CacheLayer;
  /**
   * Queues a client's `x-tollgate-priority: batch` request until batch capacity and budget room allow
   * it (the batch lane, when mounted); resolves with the release to call once it has settled.
   */
  admitBatch?: (options: { request: IncomingMessage; context: RequestContext }) => Promise<() => void>;
  /** Receivers of requests answered by a provider, after the response (shadow mode, router learning). */
  answeredListeners?: AnsweredListener[];
}
