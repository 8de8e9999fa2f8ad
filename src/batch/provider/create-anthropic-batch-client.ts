import {
  callBatchApi,
  type ProviderBatchClient,
  type ProviderBatchEndpoint,
  parseBatchJson,
  parseJsonLines,
} from './provider-batch-client.js';

interface MessageBatchObject {
  id: string;
  processing_status: 'in_progress' | 'canceling' | 'ended';
}

interface MessageBatchResultLine {
  custom_id: string;
  result:
    | { type: 'succeeded'; message: unknown }
    | { type: 'errored'; error: { type?: string; error?: { type?: string } } }
    | { type: 'canceled' }
    | { type: 'expired' };
}

/** The HTTP status Anthropic's live API answers each error type with (https://docs.anthropic.com/en/api/errors). */
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/**
 * Anthropic Message Batches as a provider batch client: `POST /v1/messages/batches` with the
 * requests inline, polls `processing_status`, and reads the results JSONL. Errored results keep
 * Anthropic's error body and the status the live API would have sent, so the adapter maps them as
 * it maps live errors.
 */
export function createAnthropicBatchClient(endpoint: ProviderBatchEndpoint): ProviderBatchClient {
  const headers: Record<string, string> = { 'anthropic-version': '2023-06-01' };
  if (endpoint.apiKey) headers['x-api-key'] = endpoint.apiKey;
  const json = { ...headers, 'content-type': 'application/json' };

  return {
    async submit(requests) {
      const created = await callBatchApi({
        endpoint,
        method: 'POST',
        path: '/messages/batches',
        headers: json,
        body: JSON.stringify({
          requests: requests.map((request) => ({ custom_id: request.customId, params: request.body })),
        }),
      });
      return parseBatchJson<MessageBatchObject>(endpoint, created.text).id;
    },

    async poll(providerBatchId) {
      const path = `/messages/batches/${encodeURIComponent(providerBatchId)}`;
      const { status, text } = await callBatchApi({ endpoint, method: 'GET', path, headers });
      if (status === 404) return { state: 'lost' };
      if (parseBatchJson<MessageBatchObject>(endpoint, text).processing_status !== 'ended') return { state: 'running' };
      // The results are read from the configured base URL, not `results_url`: a proxy in front of
      // Anthropic is then used for both.
      const results = await callBatchApi({ endpoint, method: 'GET', path: `${path}/results`, headers });
      if (results.status === 404) return { state: 'lost' };
      return {
        state: 'ended',
        results: parseJsonLines<MessageBatchResultLine>(endpoint, results.text).flatMap((line) => {
          if (line.result.type === 'succeeded') {
            return [{ customId: line.custom_id, status: 200, body: JSON.stringify(line.result.message) }];
          }
          if (line.result.type === 'errored') {
            const type = line.result.error.error?.type ?? 'api_error';
            return [
              { customId: line.custom_id, status: ERROR_STATUS[type] ?? 500, body: JSON.stringify(line.result.error) },
            ];
          }
          return [];
        }),
      };
    },

    async cancel(providerBatchId) {
      await callBatchApi({
        endpoint,
        method: 'POST',
        path: `/messages/batches/${encodeURIComponent(providerBatchId)}/cancel`,
        headers: json,
        body: '{}',
      });
    },
  };
}
