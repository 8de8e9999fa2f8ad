import type { Usage } from '../../spec/index.js';
import type { AttemptLog } from '../attempt/attempt-log.js';
import type { RouteDecision } from '../route/route-decision.js';

/** How a request ended. */
export type RequestOutcome = 'success' | 'client_error' | 'upstream_error' | 'cancelled' | 'budget_rejected';

/** Where a cached answer came from, or why the cache was not used. */
export type CacheStatus = 'hit-exact' | 'hit-semantic' | 'miss' | 'bypass';

/** One upstream attempt with its cost, as settled. */
export interface SettledAttempt extends AttemptLog {
  /** What the attempt cost in USD (0 when unpriced or no tokens). */
  costUsd: number;
}

/** Everything known about a finished request: what the ledger, metrics and logs receive. */
export interface SettledRequest {
  requestId: string;
  startedAtEpochMs: number;
  tenant: string;
  feature: string;
  keyId: string | undefined;
  protocol: 'openai' | 'anthropic';
  /** The model name the client sent (undefined when the body could not be parsed). */
  requestedModel: string | undefined;
  /** The route, when one was chosen. */
  route: Pick<RouteDecision, 'rule' | 'reason' | 'tier'> | undefined;
  /** The deployment that answered (or the last one tried). */
  provider: string | undefined;
  model: string | undefined;
  /** Tokens of the answering attempt. */
  usage: Usage | undefined;
  /** Cost of all attempts in USD. */
  costUsd: number;
  /**
   * What the same tokens cost at the providers' live prices, in USD, when `costUsd` is at other
   * prices (a line answered through a provider's batch API, at batch prices). Absent: equal to
   * `costUsd`.
   */
  liveCostUsd?: number;
  /** What the same tokens would have cost on the baseline model with no cache. */
  counterfactualCostUsd: number;
  /** False when a deployment used had no price (cost understated; flagged, never silently $0). */
  priced: boolean;
  cacheStatus: CacheStatus;
  latencyMs: number;
  ttftMs: number | undefined;
  overheadMs: number;
  attempts: SettledAttempt[];
  stream: boolean;
  batch: boolean;
  outcome: RequestOutcome;
  errorCode: string | undefined;
  httpStatus: number;
  /** Parameters dropped or clamped. */
  warnings: string[];
  /** For shadow requests: the request id this one shadows. */
  shadowOf?: string;
}

/** Anything that wants to know about settled requests: the ledger, metrics, the dashboard feed. */
export interface SettleObserver {
  /** Called synchronously before the response's last byte is written. Must not throw. */
  onSettled(request: SettledRequest): void;
}
