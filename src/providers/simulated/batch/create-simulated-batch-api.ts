import { readBodyText } from '../../../http/http-transport.js';
import { createSeededRandom } from '../create-seeded-random.js';
import { createSimulatedHandler, type SimulatedHandler, type SimulatedRequest } from '../create-simulated-handler.js';
import type { SimulatedResponse } from '../deliver-response.js';
import type { SimulatedProviderOptions } from '../simulated-provider-options.js';

/** Options for {@link createSimulatedBatchApi}: the provider's behaviour, and how long a batch takes. */
export interface SimulatedBatchApiOptions extends SimulatedProviderOptions {
  /** A batch is finished this long after it was created (default 5 s), on the `now` clock. */
  completionDelayMs?: number;
  /** Most batches and files remembered; the oldest are forgotten (default 1,000 each). */
  maxEntries?: number;
}

/** The simulated OpenAI Batch and Anthropic Message Batches APIs. */
export interface SimulatedBatchApi {
  /** Serves a batch or file route; undefined when the path is not one (the caller serves it). */
  handle(request: SimulatedRequest): Promise<SimulatedResponse> | undefined;
}

interface BatchLine {
  customId: string;
  body: unknown;
}

interface LineAnswer {
  customId: string;
  status: number;
  requestId: string;
  body: unknown;
}

interface SimulatedBatch {
  id: string;
  protocol: 'openai' | 'anthropic';
  endpoint: string;
  inputFileId: string | undefined;
  createdAt: number;
  lines: BatchLine[];
  cancelledAt: number | undefined;
  /** Filled when the batch finishes (on the first look after its delay). */
  answers: LineAnswer[] | undefined;
  outputFileId: string | undefined;
  errorFileId: string | undefined;
}

const encoder = new TextEncoder();

function respond(status: number, body: string, contentType = 'application/json'): SimulatedResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-simulated-provider': 'tollgate' },
    body: (async function* () {
      yield encoder.encode(body);
    })(),
  };
}

function notFound(protocol: 'openai' | 'anthropic', what: string): SimulatedResponse {
  const message = `No such ${what}.`;
  return protocol === 'anthropic'
    ? respond(404, JSON.stringify({ type: 'error', error: { type: 'not_found_error', message } }))
    : respond(404, JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
}

function invalid(protocol: 'openai' | 'anthropic', message: string): SimulatedResponse {
  return protocol === 'anthropic'
    ? respond(400, JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }))
    : respond(400, JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: null } }));
}

function seconds(milliseconds: number | undefined): number | null {
  return milliseconds === undefined ? null : Math.floor(milliseconds / 1000);
}

function iso(milliseconds: number | undefined): string | null {
  return milliseconds === undefined ? null : new Date(milliseconds).toISOString();
}

/** Keeps at most `max` entries, forgetting the oldest. */
function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  map.set(key, value);
  while (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) break;
    map.delete(oldest);
  }
}

/**
 * A fake provider batch API speaking OpenAI's (`/files`, `/batches`) and Anthropic's
 * (`/messages/batches`) wire formats. A batch finishes `completionDelayMs` after it was created: the
 * first look after that runs every line through the simulated Chat Completions or Messages API (same
 * answers, usage and faults as live calls) and keeps the results. State is in memory, as a real
 * provider's would be out of the gateway's reach: a restarted gateway finds its batches gone.
 */
export function createSimulatedBatchApi(options: SimulatedBatchApiOptions = {}): SimulatedBatchApi {
  const completionDelayMs = options.completionDelayMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const now = options.now ?? Date.now;
  // Lines are answered at once when the batch finishes: the delay is the batch's, not each line's.
  const lines: SimulatedHandler = createSimulatedHandler({
    ...options,
    ttftMs: 0,
    tokensPerSecond: Number.POSITIVE_INFINITY,
    sleep: async () => {},
  });
  const files = new Map<string, string>();
  const batches = new Map<string, SimulatedBatch>();
  const random = createSeededRandom(Math.floor(now()));
  const newId = (prefix: string): string =>
    `${prefix}${Array.from({ length: 24 }, () => Math.floor(random() * 16).toString(16)).join('')}`;

  const answer = async (batch: SimulatedBatch, line: BatchLine): Promise<LineAnswer> => {
    const response = await lines.handle({
      method: 'POST',
      path: batch.protocol === 'anthropic' ? '/v1/messages' : batch.endpoint,
      headers: {
        'content-type': 'application/json',
        ...(batch.protocol === 'anthropic' ? { 'anthropic-version': '2023-06-01' } : {}),
      },
      body: JSON.stringify(line.body),
    });
    const text = await readBodyText(response.body);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // A malformed-body fault: the line's answer is the text.
    }
    const requestId = response.headers['x-request-id'] ?? response.headers['request-id'] ?? newId('req_');
    return { customId: line.customId, status: response.status, requestId, body };
  };

  /** Finishes a batch whose time has come (or which was cancelled) and returns it. */
  const settle = async (batch: SimulatedBatch): Promise<SimulatedBatch> => {
    if (batch.answers !== undefined) return batch;
    if (batch.cancelledAt !== undefined) {
      batch.answers = [];
      return batch;
    }
    if (now() < batch.createdAt + completionDelayMs) return batch;
    const answers: LineAnswer[] = [];
    for (const line of batch.lines) answers.push(await answer(batch, line));
    batch.answers = answers;
    if (batch.protocol === 'openai') {
      const render = (item: LineAnswer): string =>
        `${JSON.stringify({
          id: newId('batch_req_'),
          custom_id: item.customId,
          response: { status_code: item.status, request_id: item.requestId, body: item.body },
          error: null,
        })}\n`;
      const ok = answers.filter((item) => item.status === 200).map(render);
      const failed = answers.filter((item) => item.status !== 200).map(render);
      if (ok.length > 0) {
        batch.outputFileId = newId('file-');
        remember(files, batch.outputFileId, ok.join(''), maxEntries);
      }
      if (failed.length > 0) {
        batch.errorFileId = newId('file-');
        remember(files, batch.errorFileId, failed.join(''), maxEntries);
      }
    }
    return batch;
  };

  const renderOpenAiBatch = (batch: SimulatedBatch): string => {
    const done = batch.answers !== undefined;
    const cancelled = batch.cancelledAt !== undefined;
    const completed = batch.answers?.filter((item) => item.status === 200).length ?? 0;
    return JSON.stringify({
      id: batch.id,
      object: 'batch',
      endpoint: batch.endpoint,
      errors: null,
      input_file_id: batch.inputFileId,
      completion_window: '24h',
      status: cancelled ? (done ? 'cancelled' : 'cancelling') : done ? 'completed' : 'in_progress',
      output_file_id: batch.outputFileId ?? null,
      error_file_id: batch.errorFileId ?? null,
      created_at: seconds(batch.createdAt),
      in_progress_at: seconds(batch.createdAt),
      expires_at: seconds(batch.createdAt + 86_400_000),
      completed_at: done && !cancelled ? seconds(batch.createdAt + completionDelayMs) : null,
      cancelled_at: cancelled ? seconds(batch.cancelledAt) : null,
      request_counts: {
        total: batch.lines.length,
        completed,
        failed: (batch.answers?.length ?? 0) - completed,
      },
      metadata: null,
    });
  };

  const renderAnthropicBatch = (batch: SimulatedBatch): string => {
    const answers = batch.answers;
    const ended = answers !== undefined;
    const succeeded = answers?.filter((item) => item.status === 200).length ?? 0;
    return JSON.stringify({
      id: batch.id,
      type: 'message_batch',
      processing_status: ended ? 'ended' : batch.cancelledAt !== undefined ? 'canceling' : 'in_progress',
      request_counts: {
        processing: ended ? 0 : batch.lines.length,
        succeeded,
        errored: (answers?.length ?? 0) - succeeded,
        canceled: ended && batch.cancelledAt !== undefined ? batch.lines.length : 0,
        expired: 0,
      },
      ended_at: ended ? iso(batch.cancelledAt ?? batch.createdAt + completionDelayMs) : null,
      created_at: iso(batch.createdAt),
      expires_at: iso(batch.createdAt + 86_400_000),
      archived_at: null,
      cancel_initiated_at: iso(batch.cancelledAt),
      results_url: ended ? `https://simulated.tollgate.invalid/v1/messages/batches/${batch.id}/results` : null,
    });
  };

  const renderAnthropicResults = (batch: SimulatedBatch): string => {
    if (batch.cancelledAt !== undefined) {
      return batch.lines
        .map((line) => `${JSON.stringify({ custom_id: line.customId, result: { type: 'canceled' } })}\n`)
        .join('');
    }
    return (batch.answers ?? [])
      .map((item) => {
        const result =
          item.status === 200 ? { type: 'succeeded', message: item.body } : { type: 'errored', error: item.body };
        return `${JSON.stringify({ custom_id: item.customId, result })}\n`;
      })
      .join('');
  };

  const openAiRoutes = async (request: SimulatedRequest, pathname: string): Promise<SimulatedResponse | undefined> => {
    const file = /\/files(?:\/([^/]+)(?:\/(content))?)?$/.exec(pathname);
    if (file) {
      const [, id, part] = file;
      if (id === undefined && request.method === 'POST') {
        const form = await new Response(request.body ?? '', {
          headers: { 'content-type': request.headers['content-type'] ?? '' },
        })
          .formData()
          .catch(() => undefined);
        const upload = form?.get('file');
        if (!form || upload === null || upload === undefined || typeof upload === 'string') {
          return invalid('openai', 'Upload a multipart form with a file field.');
        }
        const content = await upload.text();
        const fileId = newId('file-');
        remember(files, fileId, content, maxEntries);
        return respond(
          200,
          JSON.stringify({
            id: fileId,
            object: 'file',
            bytes: Buffer.byteLength(content),
            created_at: seconds(now()),
            filename: upload.name,
            purpose: form.get('purpose'),
          }),
        );
      }
      const content = id === undefined ? undefined : files.get(id);
      if (content === undefined) return notFound('openai', 'file');
      if (part === 'content') return respond(200, content, 'application/octet-stream');
      return respond(200, JSON.stringify({ id, object: 'file', bytes: Buffer.byteLength(content) }));
    }
    const match = /\/batches(?:\/([^/]+)(?:\/(cancel))?)?$/.exec(pathname);
    if (!match) return undefined;
    const [, id, action] = match;
    if (id === undefined && request.method === 'POST') {
      const body = JSON.parse(request.body ?? '{}') as { input_file_id?: string; endpoint?: string };
      const content = body.input_file_id === undefined ? undefined : files.get(body.input_file_id);
      if (content === undefined) return notFound('openai', 'input file');
      const batchLines = content
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line) as { custom_id: string; body: unknown });
      const batch: SimulatedBatch = {
        id: newId('batch_'),
        protocol: 'openai',
        endpoint: body.endpoint ?? '/v1/chat/completions',
        inputFileId: body.input_file_id,
        createdAt: now(),
        lines: batchLines.map((line) => ({ customId: line.custom_id, body: line.body })),
        cancelledAt: undefined,
        answers: undefined,
        outputFileId: undefined,
        errorFileId: undefined,
      };
      remember(batches, batch.id, batch, maxEntries);
      return respond(200, renderOpenAiBatch(batch));
    }
    const batch = id === undefined ? undefined : batches.get(id);
    if (batch?.protocol !== 'openai') return notFound('openai', 'batch');
    if (action === 'cancel') batch.cancelledAt ??= now();
    return respond(200, renderOpenAiBatch(await settle(batch)));
  };

  const anthropicRoutes = async (request: SimulatedRequest, pathname: string): Promise<SimulatedResponse> => {
    const match = /\/messages\/batches(?:\/([^/]+)(?:\/(results|cancel))?)?$/.exec(pathname) ?? [];
    const [, id, action] = match;
    if (id === undefined && request.method === 'POST') {
      const body = JSON.parse(request.body ?? '{}') as { requests?: { custom_id: string; params: unknown }[] };
      if (!Array.isArray(body.requests)) return invalid('anthropic', 'requests: Field required');
      const batch: SimulatedBatch = {
        id: newId('msgbatch_'),
        protocol: 'anthropic',
        endpoint: '/v1/messages',
        inputFileId: undefined,
        createdAt: now(),
        lines: body.requests.map((line) => ({ customId: line.custom_id, body: line.params })),
        cancelledAt: undefined,
        answers: undefined,
        outputFileId: undefined,
        errorFileId: undefined,
      };
      remember(batches, batch.id, batch, maxEntries);
      return respond(200, renderAnthropicBatch(batch));
    }
    const batch = id === undefined ? undefined : batches.get(id);
    if (batch?.protocol !== 'anthropic') return notFound('anthropic', 'message batch');
    if (action === 'cancel') batch.cancelledAt ??= now();
    await settle(batch);
    if (action === 'results') {
      if (batch.answers === undefined) return invalid('anthropic', `Batch ${batch.id} is still processing.`);
      return respond(200, renderAnthropicResults(batch), 'application/binary');
    }
    return respond(200, renderAnthropicBatch(batch));
  };

  return {
    handle(request) {
      const pathname = (request.path.split('?')[0] ?? '').replace(/\/+$/, '');
      if (/\/messages\/batches(\/|$)/.test(pathname)) return anthropicRoutes(request, pathname);
      if (!/\/(files|batches)(\/|$)/.test(pathname)) return undefined;
      return openAiRoutes(request, pathname).then((response) => response ?? notFound('openai', 'route'));
    },
  };
}
