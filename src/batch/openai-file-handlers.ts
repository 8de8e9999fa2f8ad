import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { sendJson, writeChunk } from '../stages/respond/write-response.js';
import { notFound, pathSegments, queryLimit, readCappedBody } from './batch-http.js';
import { createFileId } from './batch-ids.js';
import { assertEnabled, type BatchLaneContext } from './batch-lane-context.js';
import { canSee, ownerOf, resolveRequester } from './batch-requester.js';
import { assertLineCount, splitJsonLines } from './parse-input-lines.js';
import { renderOpenAiFile } from './render-openai-batch.js';
import { renderResultFile } from './render-result-file.js';
import type { StoredFile } from './store/batch-records.js';

/** Room for the multipart envelope around the file itself. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

async function parseForm(body: Buffer, contentType: string): Promise<FormData> {
  try {
    return await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `The upload is not valid multipart/form-data: ${(error as Error).message}`,
    });
  }
}

/** `POST /v1/files`: a multipart upload with `purpose=batch` and a JSONL `file`, within the size and line caps. */
async function uploadFile(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  assertEnabled(lane);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const contentType = request.headers['content-type'] ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
    throw new GatewayError({
      code: 'invalid_request',
      message: 'Upload files as multipart/form-data with the fields purpose and file.',
    });
  }
  const config = lane.config();
  const body = await readCappedBody({
    request,
    maxBytes: config.max_file_bytes + MULTIPART_OVERHEAD_BYTES,
    setting: 'batch.max_file_bytes',
  });
  const form = await parseForm(body, contentType);
  const purpose = form.get('purpose');
  if (purpose !== 'batch') {
    throw new GatewayError({
      code: 'invalid_request',
      param: 'purpose',
      message: `purpose must be "batch": this gateway keeps batch input files only (got ${JSON.stringify(purpose)}).`,
    });
  }
  const file = form.get('file');
  if (file === null || typeof file === 'string') {
    throw new GatewayError({ code: 'invalid_request', param: 'file', message: 'The upload has no file field.' });
  }
  const content = Buffer.from(await file.arrayBuffer());
  if (content.length > config.max_file_bytes) {
    throw new GatewayError({
      code: 'payload_too_large',
      message: `The file has ${content.length} bytes; batch input files may have at most ${config.max_file_bytes} (batch.max_file_bytes).`,
    });
  }
  const lineCount = splitJsonLines(content).length;
  assertLineCount({ count: lineCount, maxLines: config.max_lines, source: 'The file' });
  const stored: StoredFile = {
    id: createFileId(),
    createdAt: lane.now(),
    filename: file.name || 'batch.jsonl',
    purpose: 'batch',
    bytes: content.length,
    owner: ownerOf(requester),
    lineCount,
    sourceBatchId: undefined,
    sourceKind: undefined,
  };
  await lane.store.createFile(stored, content);
  sendJson({ response, status: 200, body: renderOpenAiFile(stored), headers: {} });
}

/** `GET /v1/files`: newest first, `purpose`, `limit`, `after`, `order`. */
async function listFiles(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const limit = queryLimit(url, { fallback: 10_000, max: 10_000 });
  const order = url.searchParams.get('order') === 'asc' ? 'asc' : 'desc';
  const files = await lane.store.listFiles({
    owner: requester.master ? undefined : requester.tenant,
    purpose: url.searchParams.get('purpose') ?? undefined,
    after: url.searchParams.get('after') ?? undefined,
    limit: limit + 1,
    order,
  });
  const data = files.slice(0, limit).map(renderOpenAiFile);
  sendJson({
    response,
    status: 200,
    body: {
      object: 'list',
      data,
      first_id: data[0]?.id ?? null,
      last_id: data.at(-1)?.id ?? null,
      has_more: files.length > limit,
    },
    headers: {},
  });
}

async function findFile(lane: BatchLaneContext, request: IncomingMessage, id: string): Promise<StoredFile> {
  const requester = resolveRequester({ core: lane.core, headers: request.headers });
  const file = await lane.store.getFile(id);
  if (!file || !canSee(requester, file.owner)) throw notFound('file', id);
  return file;
}

/** Sends a file's bytes: an upload as stored, an output or error file rendered from its batch's lines. */
async function sendContent(lane: BatchLaneContext, file: StoredFile, response: ServerResponse): Promise<void> {
  const headers = { 'content-type': 'application/octet-stream', 'content-length': String(file.bytes) };
  if (file.sourceBatchId === undefined || file.sourceKind === undefined) {
    const content = await lane.store.readFileContent(file.id);
    if (!content) throw notFound('file content', file.id);
    response.writeHead(200, { ...headers, 'content-length': String(content.length) });
    response.end(content);
    return;
  }
  const job = await lane.store.getJob(file.sourceBatchId);
  if (!job) throw notFound('batch for file', file.id);
  response.writeHead(200, headers);
  for await (const line of renderResultFile({ store: lane.store, job, kind: file.sourceKind })) {
    if (response.destroyed) return;
    await writeChunk(response, line);
  }
  response.end();
}

/** `GET /v1/files/{id}` and `GET /v1/files/{id}/content`. */
async function getFile(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', part, ...rest] = pathSegments(url.pathname, '/files/');
  if (rest.length > 0 || (part !== undefined && part !== 'content')) throw notFound('route', url.pathname);
  const file = await findFile(lane, request, id);
  if (part === 'content') await sendContent(lane, file, response);
  else sendJson({ response, status: 200, body: renderOpenAiFile(file), headers: {} });
}

/** `DELETE /v1/files/{id}`. */
async function deleteFile(lane: BatchLaneContext, request: IncomingMessage, response: ServerResponse, url: URL) {
  assertEnabled(lane);
  const [id = '', ...rest] = pathSegments(url.pathname, '/files/');
  if (rest.length > 0) throw notFound('route', url.pathname);
  await findFile(lane, request, id);
  await lane.store.deleteFile(id);
  sendJson({ response, status: 200, body: { id, object: 'file', deleted: true }, headers: {} });
}

/** The OpenAI Files routes the lane serves. */
export function createOpenAiFileHandlers(lane: BatchLaneContext) {
  return {
    upload: (request: IncomingMessage, response: ServerResponse) => uploadFile(lane, request, response),
    list: (request: IncomingMessage, response: ServerResponse, url: URL) => listFiles(lane, request, response, url),
    get: (request: IncomingMessage, response: ServerResponse, url: URL) => getFile(lane, request, response, url),
    remove: (request: IncomingMessage, response: ServerResponse, url: URL) => deleteFile(lane, request, response, url),
  };
}
