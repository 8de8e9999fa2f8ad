/**
 * The shapes of the /admin/ JSON API as the dashboard reads them. They mirror the ledger's and the
 * report module's types; the app keeps its own copy because it is type-checked for the browser, not
 * Node.js, and must not import server code.
 */

/** Sums over a set of requests. */
export interface UsageTotals {
  requests: number;
  uncachedInputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  cacheWrite1hInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  counterfactualCostUsd: number;
  savingsUsd: number;
  savingsShare: number;
  cacheHits: number;
  cacheHitShare: number;
  errors: number;
  unpricedRequests: number;
}

/** One group of `/admin/usage`. */
export interface UsageRow extends UsageTotals {
  group: Partial<Record<Dimension, string | null>>;
}

/** What usage can be grouped by. */
export type Dimension = 'tenant' | 'feature' | 'key' | 'provider' | 'model' | 'route' | 'cache' | 'day' | 'tier';

/** `GET /admin/usage`. */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: Dimension[];
  rows: UsageRow[];
  totals: UsageTotals;
}

/** One bucket of one series of `/admin/timeseries`. */
export interface TimeSeriesPoint extends UsageTotals {
  bucketStart: number;
  series: string | null;
}

/** `GET /admin/timeseries`. */
export interface TimeSeriesResponse {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  series: Dimension | null;
  points: TimeSeriesPoint[];
}

/** How a request ended. */
export type Outcome = 'success' | 'client_error' | 'upstream_error' | 'cancelled' | 'budget_rejected' | 'rejected';
/** What the gateway's cache did. */
export type CacheStatus = 'hit-exact' | 'hit-semantic' | 'miss' | 'bypass';

/** Token counts, split by how they are billed. */
export interface Tokens {
  uncachedInputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  cacheWrite1hInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** One request, as the ledger records it (also what `/admin/events` sends). */
export interface RequestRow extends Tokens {
  requestId: string;
  startedAt: number;
  tenant: string;
  feature: string;
  keyId: string | null;
  protocol: 'openai' | 'anthropic';
  requestedModel: string;
  routeRule: string;
  routeReason: string;
  tier: string | null;
  provider: string | null;
  model: string | null;
  usageSource: 'reported' | 'counted' | 'none';
  costUsd: number;
  counterfactualCostUsd: number;
  cacheStatus: CacheStatus;
  latencyMs: number;
  ttftMs: number | null;
  overheadMs: number;
  attempts: number;
  stream: boolean;
  batch: boolean;
  outcome: Outcome;
  errorCode: string | null;
  httpStatus: number;
  shadowOf: string | null;
  priced: boolean;
}

/** `GET /admin/requests`. */
export interface RecentRequests {
  data: RequestRow[];
  next_before: number | null;
}

/** One upstream attempt. */
export interface AttemptRow extends Tokens {
  requestId: string;
  attemptIndex: number;
  provider: string;
  model: string;
  startedAt: number;
  latencyMs: number;
  ttftMs: number | null;
  outcome: 'success' | 'error';
  errorCode: string | null;
  httpStatus: number | null;
  usageSource: 'reported' | 'counted' | 'none';
  costUsd: number;
}

/** A quality signal. */
export interface FeedbackRow {
  requestId: string;
  at: number;
  score: number | null;
  label: 'refined' | 'escalated' | null;
  comment: string | null;
}

/** `GET /admin/requests/:id`. */
export interface RequestDetail {
  request: RequestRow;
  attempts: AttemptRow[];
  feedback: FeedbackRow[];
}

/** One budget in its window (`GET /admin/budgets`). */
export interface Budget {
  name: string;
  scope: 'global' | 'tenant' | 'key' | 'feature';
  subject: string;
  limitUsd: number;
  spentUsd: number;
  heldUsd: number;
  utilisation: number;
  level: 'ok' | 'fallback' | 'throttle' | 'exhausted';
  resetsAt: string;
  fallbackAt: number;
  throttleAt: number;
  windowStart: string;
}

/** A budget threshold alert (`GET /admin/alerts`, `event: alert`). */
export interface Alert {
  threshold: 'fallback' | 'throttle' | 'limit';
  budget: string;
  scope: string;
  subject: string;
  limit_usd: number;
  spent_usd: number;
  utilisation: number;
  at: string;
  resets_at: string;
}

/** `{ data: [...] }` lists. */
export interface DataList<Item> {
  data: Item[];
}
