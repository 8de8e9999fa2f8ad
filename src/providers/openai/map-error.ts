import { GatewayError, type GatewayErrorCode } from '../../spec/index.js';
import type { EndpointRef } from './describe-endpoint.js';
import { openAiErrorBodySchema, openAiFlatErrorSchema } from './openai-wire-schemas.js';
import { parseRetryAfter } from './parse-retry-after.js';

/** What an OpenAI-style error said about itself. */
interface ErrorDetail {
  message: string | undefined;
  type: string | undefined;
  code: string | undefined;
}

/** Reads `{ error: { message, type, code } }` from a body, tolerating anything else. */
export function readErrorDetail(body: unknown): ErrorDetail {
  const parsed = openAiErrorBodySchema.safeParse(body);
  if (!parsed.success) {
    // Older vLLM answers with a flat `{ object: 'error', message, type, code }`.
    const flat = openAiFlatErrorSchema.safeParse(body);
    if (!flat.success) return { message: undefined, type: undefined, code: undefined };
    return { message: flat.data.message, type: flat.data.type ?? undefined, code: undefined };
  }
  const error = parsed.data.error;
  if (typeof error === 'string') return { message: error, type: undefined, code: undefined };
  return {
    message: error.message ?? undefined,
    type: error.type ?? undefined,
    code: error.code == null ? undefined : String(error.code),
  };
}

// vLLM, llama.cpp and DeepSeek report an over-long prompt as a plain 400 whose only mark is the message.
const CONTEXT_LENGTH_PATTERN = /context[ _-]length|context window|maximum context|too many tokens|prompt is too long/i;

function isContextLength(detail: ErrorDetail): boolean {
  return detail.code === 'context_length_exceeded' || CONTEXT_LENGTH_PATTERN.test(detail.message ?? '');
}

/** Classifies by HTTP status first, then by the error's own type and code. */
function classify(status: number | undefined, detail: ErrorDetail): GatewayErrorCode {
  // OpenAI answers 429 `insufficient_quota` when the account has run out of credit: waiting will not
  // help, and it is the gateway operator's problem, like a bad key.
  if (detail.code === 'insufficient_quota' || detail.type === 'insufficient_quota') return 'upstream_authentication';
  // Not for 429: rate-limit messages talk about tokens too ("tokens per min"), yet waiting helps there.
  if (isContextLength(detail) && (status === undefined || (status >= 400 && status < 500 && status !== 429))) {
    return 'context_length_exceeded';
  }
  if (status === undefined) {
    // An error event inside a 200 stream: only its type says what happened.
    switch (detail.type) {
      case 'invalid_request_error':
        return 'upstream_invalid_request';
      case 'authentication_error':
      case 'permission_error':
        return 'upstream_authentication';
      case 'rate_limit_error':
        return 'rate_limited';
      case 'overloaded_error':
      case 'service_unavailable_error':
        return 'upstream_overloaded';
      default:
        return detail.code === 'rate_limit_exceeded' ? 'rate_limited' : 'upstream_error';
    }
  }
  if (status === 401 || status === 403) return 'upstream_authentication';
  if (status === 408) return 'upstream_timeout';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'upstream_overloaded';
  if (status === 504) return 'upstream_timeout';
  if (status >= 500) return 'upstream_error';
  // 400, 404 (unknown model), 409, 413, 422 and the rest: the provider refused this request as sent.
  return 'upstream_invalid_request';
}

/** Removes anything key-shaped, and the key itself, from a provider's message before it reaches a client. */
function redact(message: string, secrets: (string | undefined)[]): string {
  let result = message;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) result = result.split(secret).join('[redacted]');
  }
  // OpenAI echoes a masked key in 401 messages ("Incorrect API key provided: sk-proj-****abcd").
  return result.replace(/\b(sk|rk|gsk|tgp|pk)[-_][A-Za-z0-9_*.-]{4,}/g, '[redacted]');
}

/** A proxy's HTML or text error page as one short line. */
function plainText(body: string): string {
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function describeStatus(status: number | undefined): string {
  return status === undefined ? 'sent an error event mid-stream' : `answered HTTP ${status}`;
}

/**
 * Maps an upstream error (an HTTP status with its body and headers, or an `{ error }` event inside a
 * stream when `status` is undefined) to a GatewayError. The message names the provider endpoint and
 * keeps the provider's own explanation, minus anything that looks like a key; for credential errors it
 * keeps nothing of the provider's text at all.
 */
export function mapError(options: {
  /** HTTP status, or undefined for an error event inside a stream. */
  status: number | undefined;
  /** The parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  headers?: Record<string, string | undefined>;
  /** The endpoint, as named in the error. */
  endpoint: EndpointRef;
  /** Values that must never appear in a message (the API key). */
  secrets?: (string | undefined)[];
}): GatewayError {
  const detail =
    typeof options.body === 'string'
      ? { message: plainText(options.body) || undefined, type: undefined, code: undefined }
      : readErrorDetail(options.body);
  const code = classify(options.status, detail);
  let explanation: string;
  if (code === 'upstream_authentication') {
    explanation =
      detail.code === 'insufficient_quota'
        ? 'the provider account has no quota left; check its plan and billing'
        : "the provider rejected the gateway's credentials; check the API key configured for this endpoint";
  } else {
    const text = detail.message ? redact(detail.message, options.secrets ?? []) : 'no explanation given';
    explanation = detail.code ? `${text} (${detail.code})` : text;
  }
  // Read on every status: OpenAI and others also send `retry-after` with 503s.
  const retryAfterMs = options.headers ? parseRetryAfter(options.headers) : undefined;
  return new GatewayError({
    code,
    message: `${options.endpoint.label} ${describeStatus(options.status)}: ${explanation}`,
    endpoint: options.endpoint.name,
    upstreamStatus: options.status,
    retryAfterMs,
  });
}
