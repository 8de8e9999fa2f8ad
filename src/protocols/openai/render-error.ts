import type { GatewayError, GatewayErrorCode } from '../../spec/index.js';

/** OpenAI's `ErrorResponse` body. */
export interface OpenAiErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
  };
}

/**
 * The OpenAI error `type` and `code` for each gateway error. Where OpenAI has its own code for the
 * same failure (`context_length_exceeded`, `model_not_found`, `rate_limit_exceeded`,
 * `invalid_api_key`) clients get that; otherwise the gateway's code.
 */
function classify(code: GatewayErrorCode): { type: string; code: string } {
  switch (code) {
    case 'invalid_request':
    case 'invalid_json':
    case 'payload_too_large':
    case 'context_length_exceeded':
    case 'model_not_found':
    case 'method_not_allowed':
    case 'upstream_invalid_request':
    case 'cancelled':
      return { type: 'invalid_request_error', code };
    case 'not_found':
      return { type: 'not_found_error', code };
    case 'authentication':
      return { type: 'authentication_error', code: 'invalid_api_key' };
    case 'permission':
      return { type: 'permission_error', code };
    case 'budget_exceeded':
      // OpenAI's type for "no money left": clients treat it as a billing stop, not a rate to wait out.
      return { type: 'insufficient_quota', code };
    case 'rate_limited':
      return { type: 'rate_limit_error', code: 'rate_limit_exceeded' };
    case 'no_route':
    case 'upstream_overloaded':
      return { type: 'service_unavailable_error', code };
    case 'upstream_error':
    case 'upstream_timeout':
    case 'upstream_connection':
    case 'upstream_malformed':
    case 'upstream_authentication':
    case 'stream_cut':
    case 'internal':
      return { type: 'server_error', code };
    default: {
      const unreachable: never = code;
      throw new Error(`Unknown error code ${String(unreachable)}`);
    }
  }
}

/** Renders a GatewayError as OpenAI's `{ error: { message, type, param, code } }`. */
export function renderError(error: GatewayError): OpenAiErrorBody {
  const { type, code } = classify(error.code);
  return { error: { message: error.message, type, param: error.param ?? null, code } };
}
