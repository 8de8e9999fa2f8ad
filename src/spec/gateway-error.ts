/**
 * Every failure the gateway can report, classified once. Retries and fallbacks read `retryable`;
 * protocol error mappers read `code` and `status`. Nothing downstream inspects message strings.
 */
export type GatewayErrorCode =
  /** The request is malformed or has wrong types (400). */
  | 'invalid_request'
  /** The request body is not valid JSON (400). */
  | 'invalid_json'
  /** The request body is larger than allowed (413). */
  | 'payload_too_large'
  /** The prompt has more input tokens than allowed (400). */
  | 'context_length_exceeded'
  /** No model, tier or alias of that name (404). */
  | 'model_not_found'
  /** No such route (404). */
  | 'not_found'
  /** Wrong HTTP method for the route (405). */
  | 'method_not_allowed'
  /** Missing or invalid credentials (401). */
  | 'authentication'
  /** Valid credentials that may not do this (403). */
  | 'permission'
  /** A budget is exhausted (429, not retryable). */
  | 'budget_exceeded'
  /** A rate limit, ours or the provider's (429, retryable). */
  | 'rate_limited'
  /** Every endpoint that may serve the request is unavailable (breakers open, residency, capability) (503). */
  | 'no_route'
  /** The provider answered with a server error (502, retryable). */
  | 'upstream_error'
  /** The provider is overloaded (503/529, retryable). */
  | 'upstream_overloaded'
  /** The provider did not answer in time: connect, first byte or idle timeout (504, retryable). */
  | 'upstream_timeout'
  /** The connection to the provider failed or was reset (502, retryable). */
  | 'upstream_connection'
  /** The provider sent a body or event the gateway could not understand (502, retryable). */
  | 'upstream_malformed'
  /** The provider rejected the request as invalid (400, not retryable). */
  | 'upstream_invalid_request'
  /** The provider rejected the gateway's credentials (502: a gateway misconfiguration, not the client's). */
  | 'upstream_authentication'
  /** A stream ended before the provider said it was finished (502). */
  | 'stream_cut'
  /** The client went away or the request was aborted (499). */
  | 'cancelled'
  /** A bug in the gateway (500). */
  | 'internal';

/** HTTP status and retryability for each code. */
const CLASSIFICATION: Record<GatewayErrorCode, { status: number; retryable: boolean }> = {
  invalid_request: { status: 400, retryable: false },
  invalid_json: { status: 400, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  context_length_exceeded: { status: 400, retryable: false },
  model_not_found: { status: 404, retryable: false },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  authentication: { status: 401, retryable: false },
  permission: { status: 403, retryable: false },
  budget_exceeded: { status: 429, retryable: false },
  rate_limited: { status: 429, retryable: true },
  no_route: { status: 503, retryable: false },
  upstream_error: { status: 502, retryable: true },
  upstream_overloaded: { status: 503, retryable: true },
  upstream_timeout: { status: 504, retryable: true },
  upstream_connection: { status: 502, retryable: true },
  upstream_malformed: { status: 502, retryable: true },
  upstream_invalid_request: { status: 400, retryable: false },
  upstream_authentication: { status: 502, retryable: false },
  stream_cut: { status: 502, retryable: true },
  cancelled: { status: 499, retryable: false },
  internal: { status: 500, retryable: false },
};

/** Options for {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** The classified code. */
  code: GatewayErrorCode;
  /** A message fit for the client: names the cause, never a secret. */
  message: string;
  /** The JSON path or parameter at fault, for validation errors. */
  param?: string;
  /** The provider endpoint involved, for upstream errors. */
  endpoint?: string;
  /** The upstream HTTP status, for upstream errors. */
  upstreamStatus?: number;
  /** How long the provider asked us to wait, in milliseconds. */
  retryAfterMs?: number;
  /** Override the status the code implies (rarely needed). */
  status?: number;
  /** The underlying error. */
  cause?: unknown;
}

/** The one error type of the gateway. */
export class GatewayError extends Error {
  /** The classified code. */
  readonly code: GatewayErrorCode;
  /** HTTP status to answer the client with. */
  readonly status: number;
  /** Whether another attempt (same or another endpoint) may succeed. */
  readonly retryable: boolean;
  /** The JSON path or parameter at fault. */
  readonly param: string | undefined;
  /** The provider endpoint involved. */
  readonly endpoint: string | undefined;
  /** The upstream HTTP status. */
  readonly upstreamStatus: number | undefined;
  /** How long the provider asked us to wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(options: GatewayErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    const classification = CLASSIFICATION[options.code];
    this.code = options.code;
    this.status = options.status ?? classification.status;
    this.retryable = classification.retryable;
    this.param = options.param;
    this.endpoint = options.endpoint;
    this.upstreamStatus = options.upstreamStatus;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Anything thrown, as a GatewayError (unknown throwables become `internal`). */
export function toGatewayError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new GatewayError({ code: 'internal', message: `Internal error: ${message}`, cause: thrown });
}
