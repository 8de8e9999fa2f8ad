import { type HttpResponse, readBodyText } from '../../http/http-transport.js';
import { GatewayError } from '../../spec/index.js';
import type { AdapterContext, CallOptions, ProviderAdapter } from '../provider-adapter.js';
import { createProviderStream } from '../shared/create-provider-stream.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { countTextTokens, countUsage } from './count-usage.js';
import { createStreamReducer } from './create-stream-reducer.js';
import { describeEndpoint, type EndpointRef } from './describe-endpoint.js';
import { mapError } from './map-error.js';
import { type OpenAiQuirks, openAiQuirks } from './openai-quirks.js';
import { openAiEmbeddingResponseSchema } from './openai-wire-schemas.js';

/** Settings for {@link createOpenAiAdapter}. */
export type OpenAiAdapterContext = AdapterContext & {
  /** What the server accepts beyond the common core; api.openai.com's when omitted. */
  quirks?: OpenAiQuirks;
};

function parseJson(text: string, endpoint: EndpointRef): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new GatewayError({
      code: 'upstream_malformed',
      message: `${endpoint.label} sent a body that is not valid JSON.`,
      endpoint: endpoint.name,
      cause: error,
    });
  }
}

/**
 * The adapter for OpenAI Chat Completions and embeddings, and, with other quirks, for every
 * OpenAI-compatible server. Conversions are the small pure functions beside this file; this file only
 * wires them to the shared transport.
 */
export function createOpenAiAdapter(context: OpenAiAdapterContext): ProviderAdapter {
  const { endpoint, transport } = context;
  const quirks = context.quirks ?? openAiQuirks;
  const ref = describeEndpoint(endpoint, quirks);
  const baseUrl = endpoint.baseUrl.replace(/\/+$/, '');
  const secrets = [endpoint.apiKey];
  const configuredHeaders = Object.fromEntries(
    Object.entries(endpoint.headers).map(([name, value]) => [name.toLowerCase(), value]),
  );

  const post = async (path: string, body: unknown, options: CallOptions, accept: string): Promise<HttpResponse> => {
    const headers: Record<string, string> = {
      ...configuredHeaders,
      'content-type': 'application/json',
      accept,
    };
    if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
    const response = await transport({
      url: `${baseUrl}${path}`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      signal: options.signal,
      timeouts: endpoint.timeouts,
    });
    if (response.status !== 200) {
      const text = await readBodyText(response.body);
      let errorBody: unknown = text;
      try {
        errorBody = JSON.parse(text);
      } catch {
        // Proxies in front of providers answer with HTML or plain text; the text is the explanation.
      }
      throw mapError({ status: response.status, body: errorBody, headers: response.headers, endpoint: ref, secrets });
    }
    return response;
  };

  return {
    protocol: 'openai',

    async chat(request, options) {
      const body = convertRequest({
        request,
        upstreamModel: options.upstreamModel,
        quirks,
        stream: false,
        warn: options.warn,
      });
      const response = await post('/chat/completions', body, options, 'application/json');
      const converted = convertResponse({ body: parseJson(await readBodyText(response.body), ref), endpoint: ref });
      const usage = converted.usage ?? (await countUsage({ request, content: converted.content }));
      return { ...converted, usage };
    },

    async stream(request, options) {
      const body = convertRequest({
        request,
        upstreamModel: options.upstreamModel,
        quirks,
        stream: true,
        warn: options.warn,
      });
      const response = await post('/chat/completions', body, options, 'text/event-stream');
      return createProviderStream({
        body: response.body,
        reducer: createStreamReducer({ endpoint: ref, secrets }),
        endpoint: endpoint.name,
      });
    },

    ...(quirks.supportsEmbeddings
      ? {
          async embed(request, options) {
            const body: Record<string, unknown> = {
              model: options.upstreamModel,
              input: request.input,
              encoding_format: 'float',
            };
            if (request.dimensions !== undefined) body.dimensions = request.dimensions;
            const response = await post('/embeddings', body, options, 'application/json');
            const parsed = openAiEmbeddingResponseSchema.safeParse(parseJson(await readBodyText(response.body), ref));
            if (!parsed.success || parsed.data.data.length !== request.input.length) {
              throw new GatewayError({
                code: 'upstream_malformed',
                message: `${ref.label} sent an embeddings response that does not match the request (${
                  parsed.success
                    ? `${parsed.data.data.length} vectors for ${request.input.length} inputs`
                    : parsed.error.issues[0]?.message
                }).`,
                endpoint: endpoint.name,
              });
            }
            const ordered = [...parsed.data.data].sort((left, right) => left.index - right.index);
            return {
              model: parsed.data.model || options.upstreamModel,
              embeddings: ordered.map((item) => item.embedding),
              inputTokens: parsed.data.usage?.prompt_tokens ?? (await countTextTokens(request.input)),
            };
          },
        }
      : {}),
  } satisfies ProviderAdapter;
}
