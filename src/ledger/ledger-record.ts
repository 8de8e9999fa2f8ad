/**
 * The rows of the ledger: one {@link RequestRecord} per client request, one {@link AttemptRecord} per
 * upstream attempt, and one {@link FeedbackRecord} per quality signal. Token counts follow the spec's
 * `Usage`: five kinds that never overlap in the input (uncached, cache read, cache write), plus the
 * one-hour share of cache writes and the reasoning share of output.
 */

/** The client API a request came in through. */
export const LEDGER_PROTOCOLS = ['openai', 'anthropic'] as const;
/** The router rule that decided the model (SPEC section 4), or `cache` when no model was called. */
export const ROUTE_RULES = [
  'residency',
  'explicit',
  'alias',
  'tier',
  'latency',
  'budget',
  'complexity',
  'cost',
  'cache',
  'none',
] as const;
/** Where the gateway's token counts came from. */
export const USAGE_SOURCES = ['reported', 'counted', 'none'] as const;
/** What the gateway's own cache did for a request. */
export const CACHE_STATUSES = ['hit-exact', 'hit-semantic', 'miss', 'bypass'] as const;
/** How a request ended. */
export const REQUEST_OUTCOMES = [
  'success',
  'client_error',
  'upstream_error',
  'cancelled',
  'budget_rejected',
  'rejected',
] as const;
/** Outcomes counted as errors in reports (a client that went away is not an error of the gateway's). */
export const ERROR_OUTCOMES = ['client_error', 'upstream_error', 'budget_rejected', 'rejected'] as const;
/** Labels a client may attach to feedback. */
export const FEEDBACK_LABELS = ['refined', 'escalated'] as const;

export type LedgerProtocol = (typeof LEDGER_PROTOCOLS)[number];
export type RouteRule = (typeof ROUTE_RULES)[number];
export type UsageSource = (typeof USAGE_SOURCES)[number];
export type CacheStatus = (typeof CACHE_STATUSES)[number];
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];
export type FeedbackLabel = (typeof FEEDBACK_LABELS)[number];

/** Token counts of one request or attempt, split by how they are billed. */
export interface LedgerTokens {
  /** Input tokens billed at the full input price. */
  uncachedInputTokens: number;
  /** Input tokens read from the provider's prefix cache. */
  cacheReadInputTokens: number;
  /** Input tokens written to the provider's prefix cache, all TTLs. */
  cacheWriteInputTokens: number;
  /** Of `cacheWriteInputTokens`, those written with a one-hour TTL. */
  cacheWrite1hInputTokens: number;
  /** Output tokens, reasoning included. */
  outputTokens: number;
  /** Of `outputTokens`, those spent on hidden reasoning. */
  reasoningTokens: number;
}

/** One client request, written once when it is settled (after the response's end, or its failure). */
export interface RequestRecord extends LedgerTokens {
  /** The gateway's request id (`x-tollgate-request-id`); unique, the row's key. */
  requestId: string;
  /** Wall-clock time the request arrived, in milliseconds since the Unix epoch. */
  startedAt: number;
  /** Cost attribution: the tenant (from the virtual key, else the header, else `default`). */
  tenant: string;
  /** Cost attribution: the feature (`x-tollgate-feature`, else `default`). */
  feature: string;
  /** The virtual key's id, or null when no virtual key was used. */
  keyId: string | null;
  /** The client API the request came in through. */
  protocol: LedgerProtocol;
  /** The model name the client asked for (`auto`, a tier, an alias or a concrete model). */
  requestedModel: string;
  /** The router rule that decided the model. */
  routeRule: RouteRule;
  /** The router's explanation, as sent in `x-tollgate-route`. */
  routeReason: string;
  /** The tier that served the request, or null when none applies. */
  tier: string | null;
  /** The provider that served the request (the last attempt's), or null when none was called. */
  provider: string | null;
  /** The model that served the request (the last attempt's), or null when none was called. */
  model: string | null;
  /** Whether the token counts were reported by the provider, counted by the gateway, or absent. */
  usageSource: UsageSource;
  /** What the request cost in USD, every attempt included (failed attempts that streamed tokens cost money). */
  costUsd: number;
  /**
   * What the same request would have cost on the configured baseline model with no cache of any
   * kind, in USD. Shadow requests record 0: the baseline world does not run them.
   */
  counterfactualCostUsd: number;
  /** What the gateway's own cache did. */
  cacheStatus: CacheStatus;
  /** Time from arrival to the response's last byte, in milliseconds. */
  latencyMs: number;
  /** Time from arrival to the first output byte sent, in milliseconds; null when nothing was sent. */
  ttftMs: number | null;
  /** Time the gateway itself added (latency minus time waiting on providers), in milliseconds. */
  overheadMs: number;
  /** Upstream attempts made (0 for cache hits and rejections). */
  attempts: number;
  /** Whether the client asked for a stream. */
  stream: boolean;
  /** Whether the request was batch priority. */
  batch: boolean;
  /** How the request ended. */
  outcome: RequestOutcome;
  /** The gateway error code when the request failed, else null. */
  errorCode: string | null;
  /** The HTTP status sent to the client (499 when the client went away). */
  httpStatus: number;
  /** For a shadow run, the id of the request it shadowed; else null. */
  shadowOf: string | null;
  /** False when the model had no price (its cost is recorded as 0 and flagged, never silently). */
  priced: boolean;
  /**
   * What the same tokens would have cost at the providers' live (synchronous API) prices, in USD.
   * It differs from `costUsd` only for lines sent through a provider's batch API, which are billed
   * at batch prices; the difference is the batch saving. The ledger stores it on every row it
   * writes (filled with `costUsd` when absent). Null on rows written before ledger migration 3, or
   * by a writer that predates it: read as `costUsd`, since their live price was never recorded.
   */
  liveCostUsd?: number | null;
}

/** One upstream attempt of a request (a retry or a fallback is another attempt). */
export interface AttemptRecord extends LedgerTokens {
  /** The request this attempt belongs to. */
  requestId: string;
  /** 0 for the first attempt, then 1, 2, … in the order they were made. */
  attemptIndex: number;
  /** The provider called. */
  provider: string;
  /** The model called (the gateway's name for it). */
  model: string;
  /** Wall-clock time the attempt started, in milliseconds since the Unix epoch. */
  startedAt: number;
  /** Time from the attempt's start to its end, in milliseconds. */
  latencyMs: number;
  /** Time from the attempt's start to its first output part, in milliseconds; null when none came. */
  ttftMs: number | null;
  /** Whether the attempt produced the response. */
  outcome: 'success' | 'error';
  /** The gateway error code when the attempt failed, else null. */
  errorCode: string | null;
  /** The provider's HTTP status, or null when no response arrived (connection error, timeout). */
  httpStatus: number | null;
  /** Where this attempt's token counts came from. */
  usageSource: UsageSource;
  /** What this attempt cost in USD (a failed attempt that streamed tokens before the cut costs money). */
  costUsd: number;
}

/** A quality signal for an earlier request (`POST /v1/feedback`). */
export interface FeedbackRecord {
  /** The request the feedback is about. */
  requestId: string;
  /** When the feedback arrived, in milliseconds since the Unix epoch. */
  at: number;
  /** A quality score from 0 (useless) to 1 (perfect), or null when only a label was given. */
  score: number | null;
  /** `refined`: the user asked again in other words; `escalated`: the user went to a stronger model. */
  label: FeedbackLabel | null;
  /** Free text from the client, or null. */
  comment: string | null;
}
