import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderCompletion, renderCompletionStream } from './instant-mock-payloads.js';

/** A running instant mock. */
export interface InstantMock {
  /** Base URL including `/v1`. */
  url: string;
  close(): Promise<void>;
}

interface ChatBody {
  model?: unknown;
  stream?: unknown;
  stream_options?: { include_usage?: unknown };
}

/** Answers are cached per (model, stream, usage) so that a request costs one JSON.parse and one write. */
const rendered = new Map<string, Buffer>();

function answerFor(body: ChatBody): { stream: boolean; payload: Buffer } {
  const model = typeof body.model === 'string' ? body.model.slice(0, 100) : 'bench-model';
  const stream = body.stream === true;
  const includeUsage = body.stream_options?.include_usage === true;
  const key = `${model}\n${stream}\n${includeUsage}`;
  let payload = rendered.get(key);
  if (!payload) {
    payload = stream ? renderCompletionStream({ model, includeUsage }) : renderCompletion(model);
    // Only a handful of model names are ever sent; the bound keeps a stray client from growing it.
    if (rendered.size < 64) rendered.set(key, payload);
  }
  return { stream, payload };
}

function handle(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"not found","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    let body: ChatBody;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatBody;
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' });
      response.end('{"error":{"message":"bad json","type":"invalid_request_error","param":null,"code":null}}');
      return;
    }
    const answer = answerFor(body);
    response.writeHead(
      200,
      answer.stream
        ? { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }
        : { 'content-type': 'application/json', 'content-length': String(answer.payload.byteLength) },
    );
    response.end(answer.payload);
  });
}

/**
 * An OpenAI-compatible upstream that answers `POST …/chat/completions` at once with a fixed body (or
 * a fixed SSE stream in one write): the floor against which gateway overhead is measured.
 */
export async function startInstantMock(options: { host?: string; port?: number } = {}): Promise<InstantMock> {
  const server = createServer({ keepAliveTimeout: 65_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
