import { type HttpResponse, readBodyText } from '../../http/http-transport.js';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import type { AdapterContext, CallOptions, ProviderAdapter } from '../provider-adapter.js';
import { createProviderStream } from '../shared/create-provider-stream.js';
import { type ConvertedRequest, convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { createStreamReducer } from './create-stream-reducer.js';
import { mapError } from './map-error.js';

/** Anthropic's API, when the endpoint configures no base URL. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com/v1';

/** The Messages API version the adapter speaks (https://docs.anthropic.com/en/api/versioning). */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The Anthropic Messages adapter: `POST {baseUrl}/messages` with `x-api-key` and
 * `anthropic-version`. Anthropic has no embeddings API, so there is no `embed`.
 */
export function createAnthropicAdapter(context: AdapterContext): ProviderAdapter {
  const { endpoint, transport } = context;
  const url = `${(endpoint.baseUrl || ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '')}/messages`;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'anthropic-version': ANTHROPIC_VERSION,
  };
  // Configured headers may add `anthropic-beta` or pin another version; they never replace the key.
  for (const [name, value] of Object.entries(endpoint.headers)) headers[name.toLowerCase()] = value;
  if (endpoint.apiKey !== undefined) headers['x-api-key'] = endpoint.apiKey;

  const send = async (options: {
    request: ChatRequest;
    call: CallOptions;
    stream: boolean;
  }): Promise<{ converted: ConvertedRequest; response: HttpResponse }> => {
    const converted = convertRequest({
      request: options.request,
      upstreamModel: options.call.upstreamModel,
      stream: options.stream,
      warn: options.call.warn,
    });
    const response = await transport({
      url,
      method: 'POST',
      headers: options.stream ? { ...headers, accept: 'text/event-stream' } : headers,
      body: JSON.stringify(converted.body),
      signal: options.call.signal,
      timeouts: endpoint.timeouts,
    });
    if (response.status < 200 || response.status >= 300) {
      const body = await readBodyText(response.body);
      throw mapError({ status: response.status, body, headers: response.headers, endpoint: endpoint.name });
    }
    return { converted, response };
  };

  return {
    protocol: 'anthropic',

    async chat(request, call) {
      const { converted, response } = await send({ request, call, stream: false });
      const text = await readBodyText(response.body);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (cause) {
        throw new GatewayError({
          code: 'upstream_malformed',
          message: `${endpoint.name} sent a response body that is not valid JSON.`,
          endpoint: endpoint.name,
          cause,
        });
      }
      return convertResponse({ body, jsonToolName: converted.jsonToolName, endpoint: endpoint.name, warn: call.warn });
    },

    async stream(request, call) {
      const { converted, response } = await send({ request, call, stream: true });
      return createProviderStream({
        body: response.body,
        reducer: createStreamReducer({
          endpoint: endpoint.name,
          jsonToolName: converted.jsonToolName,
          warn: call.warn,
        }),
        endpoint: endpoint.name,
      });
    },
  };
}
