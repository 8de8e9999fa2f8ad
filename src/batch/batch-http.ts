import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/create-logger.js';
import type { ClientProtocol } from '../protocols/client-protocol.js';
import { GatewayError, toGatewayError } from '../spec/index.js';
import { parseJsonBody, readBody } from '../stages/parse/read-body.js';
import { sendError } from '../stages/respond/write-response.js';

/** A lane route handler, the shape the gateway's route table mounts. */
export type BatchRouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** Wraps a handler so that its failures reach the client in `protocol`'s error shape. */
export function withErrors(options: {
  protocol: ClientProtocol;
  logger: Logger;
  handler: BatchRouteHandler;
}): BatchRouteHandler {
  return async (request, response, url) => {
    try {
      await options.handler(request, response, url);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.code === 'internal') options.logger.error({ err: thrown, path: url.pathname }, 'batch route failed');
      sendError({ response, protocol: options.protocol, error, headers: {} });
    }
  };
}

/** Reads a JSON object body (as the chat routes do, up to `server.max_body_bytes`). */
export async function readJsonObject(request: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const parsed = parseJsonBody(await readBody(request, maxBytes));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError({ code: 'invalid_request', message: 'The request body must be a JSON object.' });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads an upload, refusing more than `maxBytes` with a 413 that names the setting, before reading
 * it all when the client declared its length.
 */
export function readCappedBody(options: {
  request: IncomingMessage;
  maxBytes: number;
  setting: string;
}): Promise<Buffer> {
  const { request, maxBytes } = options;
  const tooLarge = (): GatewayError =>
    new GatewayError({
      code: 'payload_too_large',
      message: `The upload is larger than this gateway accepts for batches (${maxBytes} bytes; ${options.setting}).`,
    });
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', (error) =>
      reject(new GatewayError({ code: 'cancelled', message: 'The client stopped sending the upload.', cause: error })),
    );
  });
}

/** A whole number query parameter within bounds, or the default. */
export function queryLimit(url: URL, options: { fallback: number; max: number }): number {
  const text = url.searchParams.get('limit');
  if (text === null) return options.fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > options.max) {
    throw new GatewayError({
      code: 'invalid_request',
      param: 'limit',
      message: `limit must be a whole number from 1 to ${options.max}.`,
    });
  }
  return value;
}

/** The path after a prefix, split into segments (`/v1/files/abc/content` after `/v1/files/` → [abc, content]). */
export function pathSegments(pathname: string, family: string): string[] {
  const start = pathname.indexOf(family);
  const rest = start < 0 ? '' : pathname.slice(start + family.length);
  return rest
    .split('/')
    .filter((segment) => segment.length > 0)
    .map(decodeURIComponent);
}

/** A 404 in the gateway's words. */
export function notFound(what: string, id: string): GatewayError {
  return new GatewayError({ code: 'not_found', message: `No ${what} with id ${JSON.stringify(id)}.` });
}
