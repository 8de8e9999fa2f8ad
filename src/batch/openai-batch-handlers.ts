import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { sendJson } from '../stages/respond/write-response.js';
import { notFound, pathSegments, queryLimit, readJsonObject } from './batch-http.js';
import { cancelBatchJob, createBatchJob, findBatchJob } from './batch-job-actions.js';
import { assertEnabled, type BatchLaneContext } from './batch-lane-context.js';
import { canSee, resolveRequester } from './batch-requester.js';
import { parseOpenAiBatchLines } from './parse-input-lines.js';
import { renderOpenAiBatch } from './render-openai-batch.js';
import type { BatchJob } from './store/batch-records.js';

/** Endpoints a batch's lines may call: they run through the gateway's own routes of the same name. */
export const OPENAI_BATCH_ENDPOINTS = ['/v1/chat/completions', '/v1/embeddings'] as const;

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', param, message });
}

/** OpenAI's metadata rule: at most 16 string pairs, keys up to 64 characters, values up to 512. */
function parseMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('metadata', 'metadata must be an object.');
  const entries = Object.entries(value);
  if (entries.length > 16) throw invalid('metadata', 'metadata takes at most 16 keys.');
  for (const [key, text] of entries) {
    if (key.length > 64 || typeof text !== 'string' || text.length > 512) {
      throw invalid('metadata', 'metadata keys are strings up to 64 characters, values strings up to 512.');
    }
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

async function render(lane: BatchLaneContext, job: BatchJob): Promise<Record<string, unknown>> {
  const [counts, usage] = await Promise.all([lane.store.countLines(job.id), lane.store.usage(job.id)]);
  return renderOpenAiBatch(job, counts, usage);
}

/** `POST /v1/batches`: `{input_file_id, endpoint, completion_window: "24h", metadata?}`. */
async function createBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse) {
  assertEnabled(lane);
  const body = await readJsonObject(request, lane.core.runtime.config.server.max_body_bytes);
  const metadata = parseMetadata(body.metadata);
  const requester = resolveRequester({ core: lane.core, headers: request.headers, metadata });
  const endpoint = body.endpoint;
  if (typeof endpoint !== 'string' || !(OPENAI_BATCH_ENDPOINTS as readonly string[]).includes(endpoint)) {
    throw invalid('endpoint', `endpoint must be one of ${OPENAI_BATCH_ENDPOINTS.join(', ')}.`);
  }
  if (body.completion_window !== '24h') throw invalid('completion_window', 'completion_window must be "24h".');
  if (typeof body.input_file_id !== 'string') throw invalid('input_file_id', 'input_file_id is required.');
  const file = await lane.store.getFile(body.input_file_id);
  if (!file || !canSee(requester, file.owner)) throw notFound('file', body.input_file_id);
  if (file.purpose !== 'batch') {
    throw invalid(
      'input_file_id',
      `File ${file.id} has purpose ${file.purpose}; a batch needs a purpose=batch upload.`,
    );
  }
  const content = await lane.store.readFileContent(file.id);
  if (!content) throw notFound('file content', file.id);
  const { lines } = await parseOpenAiBatchLines({ content, endpoint, maxLines: lane.config().max_lines });
  const { job, counts } = await createBatchJob({
    lane,
    requester,
    api: 'openai',
    endpoint,
    inputFileId: file.id,
    metadata,
    lines,
  });
  const zero = { costUsd: 0, liveCostUsd: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
  sendJson({ response, status: 200, body: renderOpenAiBatch(job, counts, zero), headers: {} });
}

/** `GET /v1/batches`: newest first, `limit` (default 20, at most 100) and `after`. */
async function listBatches(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const limit = queryLimit(url, { fallback: 20, max: 100 });
  const jobs = await lane.store.listJobs({
    api: 'openai',
    owner: requester.master ? undefined : requester.tenant,
    after: url.searchParams.get('after') ?? undefined,
    before: undefined,
    limit: limit + 1,
  });
  const data = await Promise.all(jobs.slice(0, limit).map((job) => render(lane, job)));
  sendJson({
    response,
    status: 200,
    body: {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: jobs.length > limit,
    },
    headers: {},
  });
}

/** `GET /v1/batches/{id}`. */
async function getBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', ...rest] = pathSegments(url.pathname, '/batches/');
  if (rest.length > 0) throw notFound('route', url.pathname);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const job = await findBatchJob({ lane, requester, api: 'openai', id });
  sendJson({ response, status: 200, body: await render(lane, job), headers: {} });
}

/** `POST /v1/batches/{id}/cancel`. */
async function cancelBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', action, ...rest] = pathSegments(url.pathname, '/batches/');
  if (action !== 'cancel' || rest.length > 0) throw notFound('route', url.pathname);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const job = await cancelBatchJob({ lane, job: await findBatchJob({ lane, requester, api: 'openai', id }) });
  sendJson({ response, status: 200, body: await render(lane, job), headers: {} });
}

/** The OpenAI Batch routes the lane serves. */
export function createOpenAiBatchHandlers(lane: BatchLaneContext) {
  return {
    create: (request: IncomingMessage, response: ServerResponse) => createBatch(lane, request, response),
    list: (request: IncomingMessage, response: ServerResponse, url: URL) => listBatches(lane, request, response, url),
    get: (request: IncomingMessage, response: ServerResponse, url: URL) => getBatch(lane, request, response, url),
    cancel: (request: IncomingMessage, response: ServerResponse, url: URL) => cancelBatch(lane, request, response, url),
  };
}
