import type { ServerResponse } from 'node:http';
import type { ClientProtocol } from '../../protocols/client-protocol.js';
import type { GatewayError } from '../../spec/index.js';

/** Response headers in the order they are set; values are plain strings. */
export type GatewayHeaders = Record<string, string>;

/** Sends a complete JSON body. */
export function sendJson(options: {
  response: ServerResponse;
  status: number;
  body: unknown;
  headers: GatewayHeaders;
}): void {
  const payload = JSON.stringify(options.body);
  options.response.writeHead(options.status, {
    ...options.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  options.response.end(payload);
}

/** Sends an error in the client's protocol's shape, with `retry-after` where it applies. */
export function sendError(options: {
  response: ServerResponse;
  protocol: ClientProtocol;
  error: GatewayError;
  headers: GatewayHeaders;
}): void {
  const { response, error } = options;
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const headers: GatewayHeaders = { ...options.headers };
  if (error.retryAfterMs !== undefined) headers['retry-after'] = String(Math.ceil(error.retryAfterMs / 1000));
  if (error.status === 405) headers.allow = 'POST';
  // Both official SDKs retry 429 and 5xx on their own unless told not to; a spent budget or a bad request will not heal.
  headers['x-should-retry'] = String(error.retryable);
  sendJson({ response, status: error.status, body: options.protocol.renderError(error), headers });
}

/** Starts an SSE response. */
export function startEventStream(response: ServerResponse, headers: GatewayHeaders): void {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // No flushHeaders(): the first output part is already in hand, and the headers leave with it in one write.
}

/** Writes a chunk, waiting for the socket to drain when the client reads slower than we write. */
export function writeChunk(response: ServerResponse, chunk: string): Promise<void> | undefined {
  if (chunk.length === 0 || response.writableEnded || response.destroyed) return undefined;
  if (response.write(chunk)) return undefined;
  return waitForDrain(response);
}

/** Writes an event stream's frames, coalescing those rendered in one turn of the event loop. */
export interface EventStreamWriter {
  /** Queues text; it leaves at the end of this tick, in one socket write with whatever else was queued. */
  write(text: string): void;
  /** While the client reads slower than we write: resolves when it has caught up. Undefined otherwise. */
  ready(): Promise<void> | undefined;
  /** Ends the response with the queued text followed by `text`. */
  end(text: string): void;
}

/**
 * An {@link EventStreamWriter} over a response whose headers are set. A provider's body piece usually
 * holds many events; each rendered frame written on its own costs a trip through node:http and the
 * socket's buffering, while node sends them all in one system call anyway (it corks the socket until
 * the end of the tick). Joining them first keeps that one call and skips the rest.
 */
export function createEventStreamWriter(response: ServerResponse): EventStreamWriter {
  let pending = '';
  let scheduled = false;
  let draining: Promise<void> | undefined;
  const flush = (): void => {
    scheduled = false;
    const text = pending;
    pending = '';
    if (text === '' || response.writableEnded || response.destroyed) return;
    if (!response.write(text)) {
      draining = waitForDrain(response).then(() => {
        draining = undefined;
      });
    }
  };
  return {
    write(text) {
      if (text === '') return;
      pending += text;
      if (!scheduled) {
        scheduled = true;
        process.nextTick(flush);
      }
    },
    ready: () => draining,
    end(text) {
      const all = pending + text;
      pending = '';
      response.end(all);
    },
  };
}

function waitForDrain(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}
