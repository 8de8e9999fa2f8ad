import { z } from 'zod';
import { GatewayError, type GatewayErrorCode } from '../../spec/index.js';
import { anthropicErrorObjectSchema } from './anthropic-stream-event-schema.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** Anthropic's error body: `{ type: "error", error: { type, message }, request_id }`. */
const errorBodySchema = z.looseObject({
  type: z.literal('error'),
  error: anthropicErrorObjectSchema.extend({
    details: z.looseObject({ error_code: z.string().nullish() }).nullish(),
  }),
});

// Anthropic words the context-window error as "prompt is too long: 210000 tokens > 200000 maximum".
const PROMPT_TOO_LONG = /prompt is too long/i;
// 429s for an exhausted account spend limit look like rate limits but clear only next month
// (https://docs.anthropic.com/en/api/errors): retrying the same account is pointless.
const SPEND_LIMIT = /spend_limit_reached$/;

/**
 * Classifies an Anthropic HTTP error response once (https://docs.anthropic.com/en/api/errors).
 * The status decides, as documented; the body's error type and message refine it.
 */
export function mapError(options: {
  status: number;
  body: string;
  headers: Record<string, string | undefined>;
  endpoint: string;
}): GatewayError {
  const parsed = errorBodySchema.safeParse(safeJson(options.body));
  const type = parsed.success ? parsed.data.error.type : undefined;
  const upstreamMessage = parsed.success ? parsed.data.error.message : summarise(options.body);
  const errorCode = parsed.success ? parsed.data.error.details?.error_code : undefined;
  const code = codeForStatus({ status: options.status, message: upstreamMessage, errorCode });
  return new GatewayError({
    code,
    message: `${options.endpoint} answered ${options.status}${type ? ` ${type}` : ''}: ${upstreamMessage}`,
    endpoint: options.endpoint,
    upstreamStatus: options.status,
    retryAfterMs: parseRetryAfter(options.headers['retry-after']),
  });
}

/**
 * Classifies the `error` event of a stream, which has no HTTP status: Anthropic sends the error type
 * that the status would have carried (e.g. `overloaded_error` for what would be a 529).
 */
export function mapStreamError(options: { type: string; message: string; endpoint: string }): GatewayError {
  return new GatewayError({
    code: codeForType({ type: options.type, message: options.message }),
    message: `${options.endpoint} sent a stream error ${options.type}: ${options.message}`,
    endpoint: options.endpoint,
  });
}

function codeForStatus(options: {
  status: number;
  message: string;
  errorCode: string | null | undefined;
}): GatewayErrorCode {
  const { status, message } = options;
  if (status === 400) return PROMPT_TOO_LONG.test(message) ? 'context_length_exceeded' : 'upstream_invalid_request';
  if (status === 401 || status === 402 || status === 403) return 'upstream_authentication';
  if (status === 404) return /model/i.test(message) ? 'model_not_found' : 'upstream_error';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 413) return 'upstream_invalid_request';
  if (status === 429)
    return options.errorCode && SPEND_LIMIT.test(options.errorCode) ? 'upstream_authentication' : 'rate_limited';
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status >= 500) return 'upstream_error';
  return 'upstream_invalid_request';
}

function codeForType(options: { type: string; message: string }): GatewayErrorCode {
  switch (options.type) {
    case 'invalid_request_error':
      return PROMPT_TOO_LONG.test(options.message) ? 'context_length_exceeded' : 'upstream_invalid_request';
    case 'request_too_large':
      return 'upstream_invalid_request';
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
      return 'upstream_authentication';
    case 'rate_limit_error':
      return 'rate_limited';
    case 'overloaded_error':
      return 'upstream_overloaded';
    case 'timeout_error':
      return 'upstream_timeout';
    default:
      // `api_error` and types added after this code was written.
      return 'upstream_error';
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A non-JSON body (a proxy's HTML page, say) shortened to something fit for a log line. */
function summarise(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  if (flat === '') return 'no error details in the body';
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
