import type { EndpointSettings } from '../provider-adapter.js';
import type { OpenAiQuirks } from './openai-quirks.js';

/** How an endpoint appears in errors: its configured name (for the error's field) and a readable label. */
export interface EndpointRef {
  /** The configured endpoint name, as `GatewayError.endpoint`. */
  name: string;
  /** For messages, e.g. `OpenAI endpoint "openai" (api.openai.com)`: never the key. */
  label: string;
}

/** Describes an endpoint for error messages. */
export function describeEndpoint(endpoint: EndpointSettings, quirks: OpenAiQuirks): EndpointRef {
  let host = endpoint.baseUrl;
  try {
    host = new URL(endpoint.baseUrl).host;
  } catch {
    // Keep the configured text: a bad URL is reported by the transport.
  }
  return { name: endpoint.name, label: `${quirks.label} endpoint "${endpoint.name}" (${host})` };
}
