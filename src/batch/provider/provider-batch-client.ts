import { type HttpTransport, readBodyText, type Timeouts } from '../../http/http-transport.js';
import { GatewayError } from '../../spec/index.js';

/** One request in a provider batch: the wire body the provider's live API would have received. */
export interface ProviderBatchRequest {
  customId: string;
  body: unknown;
}

/** One answered request of a provider batch: the HTTP status and body its live API would have sent. */
export interface ProviderBatchResult {
  customId: string;
  status: number;
  /** The response (or error) body as JSON text. */
  body: string;
}

/** What a poll found. Requests missing from `results` (cancelled, expired, failed) were not answered. */
export type ProviderBatchPoll =
  | { state: 'running' }
  | { state: 'ended'; results: ProviderBatchResult[] }
  /** The provider does not know the batch (a simulated provider restarted, or it was deleted). */
  | { state: 'lost' };

/** A provider's batch API: OpenAI Batch or Anthropic Message Batches. */
export interface ProviderBatchClient {
  /** Submits the requests as one batch; resolves with the provider's batch id. */
  submit(requests: readonly ProviderBatchRequest[]): Promise<string>;
  poll(providerBatchId: string): Promise<ProviderBatchPoll>;
  cancel(providerBatchId: string): Promise<void>;
}

/** Where a provider's batch API lives and how to authenticate to it. */
export interface ProviderBatchEndpoint {
  /** The provider's configured name, for errors. */
  name: string;
  /** Base URL with the version path, e.g. `https://api.openai.com/v1`. */
  baseUrl: string;
  apiKey: string | undefined;
  /** Configured extra headers. */
  headers: Record<string, string>;
  timeouts: Timeouts;
  transport: HttpTransport;
}

/** Sends one call to a batch API; a non-2xx answer becomes a GatewayError naming the provider. */
export async function callBatchApi(options: {
  endpoint: ProviderBatchEndpoint;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}): Promise<{ status: number; text: string }> {
  const { endpoint } = options;
  const response = await endpoint.transport({
    url: `${endpoint.baseUrl.replace(/\/+$/, '')}${options.path}`,
    method: options.method,
    headers: {
      ...Object.fromEntries(Object.entries(endpoint.headers).map(([name, value]) => [name.toLowerCase(), value])),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: options.body }),
    timeouts: endpoint.timeouts,
  });
  const text = await readBodyText(response.body);
  if (response.status === 404) return { status: 404, text };
  if (response.status < 200 || response.status >= 300) {
    // Only the status and the provider's own words: the key is never part of either.
    throw new GatewayError({
      code: response.status >= 500 || response.status === 429 ? 'upstream_error' : 'upstream_invalid_request',
      message: `The batch API of ${endpoint.name} answered ${options.method} ${options.path} with HTTP ${response.status}: ${text.slice(0, 300)}`,
      endpoint: endpoint.name,
      upstreamStatus: response.status,
    });
  }
  return { status: response.status, text };
}

/** Parses JSON from a batch API, or fails as a malformed upstream answer. */
export function parseBatchJson<T>(endpoint: ProviderBatchEndpoint, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new GatewayError({
      code: 'upstream_malformed',
      message: `The batch API of ${endpoint.name} sent a body that is not JSON.`,
      endpoint: endpoint.name,
      cause: error,
    });
  }
}

/** Splits JSONL into parsed lines, skipping blank ones. */
export function parseJsonLines<T>(endpoint: ProviderBatchEndpoint, text: string): T[] {
  return text
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => parseBatchJson<T>(endpoint, line));
}
