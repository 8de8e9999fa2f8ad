import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { sendJson, writeChunk } from '../stages/respond/write-response.js';
import { notFound, pathSegments, queryLimit, readCappedBody } from './batch-http.js';
import { cancelBatchJob, createBatchJob, findBatchJob } from './batch-job-actions.js';
import { assertEnabled, type BatchLaneContext } from './batch-lane-context.js';
import { resolveRequester } from './batch-requester.js';
import { parseAnthropicBatchRequests } from './parse-input-lines.js';
import { renderAnthropicBatch } from './render-anthropic-batch.js';
import { renderResultFile } from './render-result-file.js';
import type { BatchJob } from './store/batch-records.js';

const ENDED = new Set(['completed', 'cancelled', 'expired', 'failed']);

/** Where clients reach this gateway, for `results_url` (the SDK downloads results from it). */
function baseUrl(request: IncomingMessage): string {
  const forwarded = request.headers['x-forwarded-proto'];
  const scheme = typeof forwarded === 'string' && forwarded.startsWith('https') ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? '127.0.0.1'}`;
}

async function render(lane: BatchLaneContext, request: IncomingMessage, job: BatchJob) {
  return renderAnthropicBatch({ job, counts: await lane.store.countLines(job.id), baseUrl: baseUrl(request) });
}

/** `POST /v1/messages/batches`: `{requests: [{custom_id, params}]}`, each params a Messages request. */
async function createBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse) {
  assertEnabled(lane);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const config = lane.config();
  const raw = await readCappedBody({ request, maxBytes: config.max_file_bytes, setting: 'batch.max_file_bytes' });
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new GatewayError({
      code: 'invalid_json',
      message: `The request body is not valid JSON: ${(error as Error).message}`,
    });
  }
  const requests = typeof body === 'object' && body !== null ? (body as { requests?: unknown }).requests : undefined;
  const { lines } = await parseAnthropicBatchRequests({ requests, maxLines: config.max_lines });
  const { job } = await createBatchJob({
    lane,
    requester,
    api: 'anthropic',
    endpoint: '/v1/messages',
    inputFileId: undefined,
    metadata: undefined,
    lines,
  });
  sendJson({ response, status: 200, body: await render(lane, request, job), headers: {} });
}

/** `GET /v1/messages/batches`: newest first, `limit` (default 20, at most 1000), `after_id`, `before_id`. */
async function listBatches(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const limit = queryLimit(url, { fallback: 20, max: 1_000 });
  const jobs = await lane.store.listJobs({
    api: 'anthropic',
    owner: requester.master ? undefined : requester.tenant,
    after: url.searchParams.get('after_id') ?? undefined,
    before: url.searchParams.get('before_id') ?? undefined,
    limit: limit + 1,
  });
  const data = await Promise.all(jobs.slice(0, limit).map((job) => render(lane, request, job)));
  sendJson({
    response,
    status: 200,
    body: { data, has_more: jobs.length > limit, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
    headers: {},
  });
}

/** `GET /v1/messages/batches/{id}` and `GET /v1/messages/batches/{id}/results`. */
async function getBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', part, ...rest] = pathSegments(url.pathname, '/messages/batches/');
  if (rest.length > 0 || (part !== undefined && part !== 'results')) throw notFound('route', url.pathname);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const job = await findBatchJob({ lane, requester, api: 'anthropic', id });
  if (part === undefined) {
    sendJson({ response, status: 200, body: await render(lane, request, job), headers: {} });
    return;
  }
  if (!ENDED.has(job.status)) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `Batch ${job.id} is still processing; its results are available once it has ended.`,
    });
  }
  response.writeHead(200, { 'content-type': 'application/x-jsonl' });
  for await (const line of renderResultFile({ store: lane.store, job, kind: 'all' })) {
    if (response.destroyed) return;
    await writeChunk(response, line);
  }
  response.end();
}

/** `POST /v1/messages/batches/{id}/cancel`. */
async function cancelBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', action, ...rest] = pathSegments(url.pathname, '/messages/batches/');
  if (action !== 'cancel' || rest.length > 0) throw notFound('route', url.pathname);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const job = await cancelBatchJob({ lane, job: await findBatchJob({ lane, requester, api: 'anthropic', id }) });
  sendJson({ response, status: 200, body: await render(lane, request, job), headers: {} });
}

/** `DELETE /v1/messages/batches/{id}`: only an ended batch, with its results. */
async function deleteBatch(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', ...rest] = pathSegments(url.pathname, '/messages/batches/');
  if (rest.length > 0) throw notFound('route', url.pathname);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const job = await findBatchJob({ lane, requester, api: 'anthropic', id });
  if (!ENDED.has(job.status)) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `Batch ${job.id} is still processing; cancel it and wait until it has ended to delete it.`,
    });
  }
  await lane.store.deleteJob(job.id);
  sendJson({ response, status: 200, body: { id: job.id, type: 'message_batch_deleted' }, headers: {} });
}

/** The Anthropic Message Batches routes the lane serves. */
export function createAnthropicBatchHandlers(lane: BatchLaneContext) {
  return {
    create: (request: IncomingMessage, response: ServerResponse) => createBatch(lane, request, response),
    list: (request: IncomingMessage, response: ServerResponse, url: URL) => listBatches(lane, request, response, url),
    get: (request: IncomingMessage, response: ServerResponse, url: URL) => getBatch(lane, request, response, url),
    cancel: (request: IncomingMessage, response: ServerResponse, url: URL) => cancelBatch(lane, request, response, url),
    remove: (request: IncomingMessage, response: ServerResponse, url: URL) => deleteBatch(lane, request, response, url),
  };
}
