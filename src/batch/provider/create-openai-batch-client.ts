import { randomBytes } from 'node:crypto';
import {
  callBatchApi,
  type ProviderBatchClient,
  type ProviderBatchEndpoint,
  type ProviderBatchResult,
  parseBatchJson,
  parseJsonLines,
} from './provider-batch-client.js';

interface OpenAiBatchObject {
  id: string;
  status: string;
  output_file_id?: string | null;
  error_file_id?: string | null;
}

interface OpenAiResultLine {
  custom_id: string;
  response: { status_code: number; body: unknown } | null;
  error: unknown;
}

/** Statuses after which a batch's files are final (https://platform.openai.com/docs/api-reference/batch/object). */
const ENDED = new Set(['completed', 'failed', 'expired', 'cancelled']);

/** A multipart body for `POST /files` (the JSONL is text, so the body can be a string). */
function multipart(jsonl: string): { body: string; contentType: string } {
  const boundary = `----tollgate-${randomBytes(12).toString('hex')}`;
  const body = [
    `--${boundary}`,
    'Content-Disposition: form-data; name="purpose"',
    '',
    'batch',
    `--${boundary}`,
    'Content-Disposition: form-data; name="file"; filename="tollgate-batch.jsonl"',
    'Content-Type: application/jsonl',
    '',
    jsonl,
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The OpenAI Batch API as a provider batch client: uploads the requests as a JSONL file, creates a
 * `/v1/chat/completions` batch with a 24 h window, polls it, and reads the output and error files.
 */
export function createOpenAiBatchClient(endpoint: ProviderBatchEndpoint): ProviderBatchClient {
  const auth: Record<string, string> = endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {};
  const json = { ...auth, 'content-type': 'application/json' };

  const readFile = async (fileId: string | null | undefined): Promise<ProviderBatchResult[]> => {
    if (!fileId) return [];
    const { status, text } = await callBatchApi({
      endpoint,
      method: 'GET',
      path: `/files/${encodeURIComponent(fileId)}/content`,
      headers: auth,
    });
    if (status === 404) return [];
    return parseJsonLines<OpenAiResultLine>(endpoint, text).flatMap((line) =>
      line.response
        ? [{ customId: line.custom_id, status: line.response.status_code, body: JSON.stringify(line.response.body) }]
        : [],
    );
  };

  return {
    async submit(requests) {
      const jsonl = `${requests
        .map((request) =>
          JSON.stringify({
            custom_id: request.customId,
            method: 'POST',
            url: '/v1/chat/completions',
            body: request.body,
          }),
        )
        .join('\n')}\n`;
      const upload = multipart(jsonl);
      const uploaded = await callBatchApi({
        endpoint,
        method: 'POST',
        path: '/files',
        headers: { ...auth, 'content-type': upload.contentType },
        body: upload.body,
      });
      const file = parseBatchJson<{ id: string }>(endpoint, uploaded.text);
      const created = await callBatchApi({
        endpoint,
        method: 'POST',
        path: '/batches',
        headers: json,
        body: JSON.stringify({
          input_file_id: file.id,
          endpoint: '/v1/chat/completions',
          completion_window: '24h',
          metadata: { source: 'tollgate' },
        }),
      });
      return parseBatchJson<OpenAiBatchObject>(endpoint, created.text).id;
    },

    async poll(providerBatchId) {
      const { status, text } = await callBatchApi({
        endpoint,
        method: 'GET',
        path: `/batches/${encodeURIComponent(providerBatchId)}`,
        headers: auth,
      });
      if (status === 404) return { state: 'lost' };
      const batch = parseBatchJson<OpenAiBatchObject>(endpoint, text);
      if (!ENDED.has(batch.status)) return { state: 'running' };
      const results = [...(await readFile(batch.output_file_id)), ...(await readFile(batch.error_file_id))];
      return { state: 'ended', results };
    },

    async cancel(providerBatchId) {
      await callBatchApi({
        endpoint,
        method: 'POST',
        path: `/batches/${encodeURIComponent(providerBatchId)}/cancel`,
        headers: json,
        body: '{}',
      });
    },
  };
}
