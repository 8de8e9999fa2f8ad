import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { Readable, Writable } from 'node:stream';

/** What a node:http handler sent back. */
export interface InjectedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A node:http request handler, such as `gateway.handle`. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

/** The parts of `IncomingMessage` a handler reads, over a readable body. */
class InjectedRequest extends Readable {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion = '1.1';

  constructor(options: { method: string; url: string; headers: IncomingHttpHeaders; body: Buffer }) {
    super({ read() {} });
    this.method = options.method;
    this.url = options.url;
    this.headers = options.headers;
    this.push(options.body);
    this.push(null);
  }
}

/** The parts of `ServerResponse` a handler uses, collecting what it writes. */
class InjectedResponseWriter extends Writable {
  statusCode = 200;
  headersSent = false;
  private readonly headerValues = new Map<string, string>();
  private readonly chunks: Buffer[] = [];

  constructor() {
    // A large high-water mark: the handler never waits for a reader that is not there.
    super({ highWaterMark: 64 * 1024 * 1024 });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    callback();
  }

  setHeader(name: string, value: number | string | readonly string[]): this {
    this.headerValues.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value));
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headerValues.get(name.toLowerCase());
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (value !== undefined) this.setHeader(name, value as number | string | readonly string[]);
    }
    this.headersSent = true;
    return this;
  }

  flushHeaders(): void {
    this.headersSent = true;
  }

  result(): InjectedResponse {
    return {
      status: this.statusCode,
      headers: Object.fromEntries(this.headerValues),
      body: Buffer.concat(this.chunks).toString('utf8'),
    };
  }
}

/**
 * Sends one request through a node:http handler in-process, with no socket: the replay pushes tens of
 * thousands of requests through a gateway per configuration, and a loopback connection per request
 * would cost more than the gateway itself. Resolves when the response is complete (or destroyed).
 */
export function injectRequest(options: {
  handle: RequestHandler;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}): Promise<InjectedResponse> {
  const body = Buffer.from(options.body);
  const headers: IncomingHttpHeaders = { 'content-length': String(body.length) };
  for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
  const request = new InjectedRequest({ method: options.method, url: options.path, headers, body });
  const response = new InjectedResponseWriter();
  return new Promise((resolve) => {
    response.on('close', () => resolve(response.result()));
    options.handle(request as unknown as IncomingMessage, response as unknown as ServerResponse);
  });
}
