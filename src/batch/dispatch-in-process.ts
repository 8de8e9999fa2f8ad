import { IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';

/** The gateway's node:http handler (`gateway.handle`). */
export type GatewayHandle = (request: IncomingMessage, response: ServerResponse) => void;

/** A response captured in memory. */
export interface DispatchedResponse {
  status: number;
  /** Lower-case header names; values joined with `, `. */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * A ServerResponse stand-in that keeps what the handler writes. It implements what a node:http
 * handler uses (status, headers, write/end with backpressure, `close` after `finish`, destroy), so
 * the gateway's own lifecycle runs unchanged; `close` without `finish` (a destroy) aborts the request
 * upstream exactly as a client disconnect does.
 */
class CapturedResponse extends Writable {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  private readonly headerValues = new Map<string, string | number | readonly string[]>();
  private readonly chunks: Buffer[] = [];

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.headerValues.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): string | number | readonly string[] | undefined {
    return this.headerValues.get(name.toLowerCase());
  }

  getHeaders(): OutgoingHttpHeaders {
    return Object.fromEntries(this.headerValues) as OutgoingHttpHeaders;
  }

  hasHeader(name: string): boolean {
    return this.headerValues.has(name.toLowerCase());
  }

  removeHeader(name: string): void {
    this.headerValues.delete(name.toLowerCase());
  }

  writeHead(status: number, reason?: string | OutgoingHttpHeaders, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    const values = typeof reason === 'string' ? headers : reason;
    if (typeof reason === 'string') this.statusMessage = reason;
    for (const [name, value] of Object.entries(values ?? {})) {
      if (value !== undefined) this.setHeader(name, value);
    }
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.headersSent = true;
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk);
    callback();
  }

  captured(): DispatchedResponse {
    const headers: Record<string, string> = {};
    for (const [name, value] of this.headerValues) {
      headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return { status: this.statusCode, headers, body: Buffer.concat(this.chunks) };
  }
}

/** Options for {@link dispatchInProcess}. */
export interface DispatchOptions {
  /** The gateway's handler. */
  handle: GatewayHandle;
  method: 'POST' | 'GET';
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  /** Aborting it drops the request as a client disconnect would (the gateway still settles it). */
  signal?: AbortSignal;
}

const dispatched = new WeakSet<IncomingMessage>();

/**
 * Whether the request is a batch line sent by {@link dispatchInProcess}: it already holds a slot of
 * the lane's capacity, so the admission that queues clients' batch-priority requests lets it through.
 */
export function isDispatchedInProcess(request: IncomingMessage): boolean {
  return dispatched.has(request);
}

/**
 * Sends one request through the gateway's own handler without a socket, so that it runs the same
 * lifecycle as a client's (auth, routing, cache, budgets, ledger) and costs no network hop.
 * Resolves when the handler has finished the response; rejects when it was dropped unfinished.
 */
export function dispatchInProcess(options: DispatchOptions): Promise<DispatchedResponse> {
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const request = new IncomingMessage(new Socket());
  dispatched.add(request);
  request.method = options.method;
  request.url = options.path;
  request.httpVersion = '1.1';
  request.httpVersionMajor = 1;
  request.httpVersionMinor = 1;
  request.headers = {
    host: 'tollgate.internal',
    ...Object.fromEntries(Object.entries(options.headers).map(([name, value]) => [name.toLowerCase(), value])),
    ...(body ? { 'content-length': String(body.length) } : {}),
  };
  if (body) request.push(body);
  request.push(null);
  const response = new CapturedResponse();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      response.destroy();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    response.on('close', () => {
      options.signal?.removeEventListener('abort', onAbort);
      if (response.writableFinished) resolve(response.captured());
      else reject(new Error(`The gateway dropped ${options.method} ${options.path} before finishing its response.`));
    });
    if (options.signal?.aborted) {
      response.destroy();
      return;
    }
    // A stand-in for ServerResponse: the handler only uses the members implemented above.
    options.handle(request, response as unknown as ServerResponse);
  });
}
