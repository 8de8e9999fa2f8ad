import type { GatewayError, GatewayErrorCode } from '../../spec/index.js';

/** Anthropic's error types (https://docs.anthropic.com/en/api/errors). */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** Anthropic's error body. */
export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
}

/** Renders a gateway error as Anthropic's error body; the HTTP status is the error's own. */
export function renderError(error: GatewayError): AnthropicErrorBody {
  return { type: 'error', error: { type: anthropicErrorType(error.code), message: error.message } };
}

/** The Anthropic error type a client should see for each gateway error code. */
export function anthropicErrorType(code: GatewayErrorCode): AnthropicErrorType {
  switch (code) {
    case 'invalid_request':
    case 'invalid_json':
    case 'context_length_exceeded':
    case 'method_not_allowed':
    case 'upstream_invalid_request':
      return 'invalid_request_error';
    case 'payload_too_large':
      return 'request_too_large';
    case 'model_not_found':
    case 'not_found':
      return 'not_found_error';
    case 'authentication':
      return 'authentication_error';
    case 'permission':
      return 'permission_error';
    case 'budget_exceeded':
    case 'rate_limited':
      return 'rate_limit_error';
    case 'no_route':
    case 'upstream_overloaded':
      return 'overloaded_error';
    case 'upstream_timeout':
      return 'timeout_error';
    // The provider refusing the gateway's own key is the operator's problem, not the client's
    // credentials: an authentication_error would send the client looking at the wrong key.
    case 'upstream_authentication':
    case 'upstream_error':
    case 'upstream_connection':
    case 'upstream_malformed':
    case 'stream_cut':
    case 'cancelled':
    case 'internal':
      return 'api_error';
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}
