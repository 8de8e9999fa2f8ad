import { Agent, errors as undiciErrors } from 'undici';
import { GatewayError } from '../spec/index.js';
import type { HttpRequest, HttpResponse, HttpTransport } from './http-transport.js';

/** Settings for the shared upstream client. */
export interface UndiciTransportOptions {
  /** Keep-alive connections per origin. */
  connectionsPerOrigin?: number;
  /** Connect timeout for every origin (per-request connect limits cannot be set on a shared pool). */
  connectTimeoutMs?: number;
}

/** Classifies a network-level failure once, into the gateway's error vocabulary. */
export function classifyNetworkError(error: unknown, request: HttpRequest): GatewayError {
  if (error instanceof GatewayError) return error;
  const origin = safeOrigin(request.url);
  if (request.signal?.aborted) {
    return new GatewayError({ code: 'cancelled', message: 'The request was cancelled.', cause: error });
  }
  if (error instanceof undiciErrors.ConnectTimeoutError) {
    return new GatewayError({
      code: 'upstream_timeout',
      message: `Connecting to ${origin} timed out after ${request.timeouts.connectMs} ms.`,
      cause: error,
    });
  }
  if (error instanceof undiciErrors.HeadersTimeoutError) {
    return new GatewayError({
      code: 'upstream_timeout',
      message: `${origin} sent no response within ${request.timeouts.firstByteMs} ms (first-byte timeout).`,
      cause: error,
    });
  }
  if (error instanceof undiciErrors.BodyTimeoutError) {
    return new GatewayError({
      code: 'upstream_timeout',
      message: `${origin} went silent for ${request.timeouts.idleMs} ms mid-response (idle timeout).`,
      cause: error,
    });
  }
  const detail = error instanceof Error ? ((error as NodeJS.ErrnoException).code ?? error.message) : String(error);
  return new GatewayError({
    code: 'upstream_connection',
    message: `The connection to ${origin} failed: ${detail}.`,
    cause: error,
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the provider';
  }
}

async function* wrapBody(body: AsyncIterable<Uint8Array>, request: HttpRequest): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw classifyNetworkError(error, request);
  }
}

/** The production transport: undici with keep-alive connection pools per origin. */
export function createUndiciTransport(options: UndiciTransportOptions = {}): HttpTransport & { close(): Promise<void> } {
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 128,
    keepAliveTimeout: 30_000,
    pipelining: 1,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
  });
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    try {
      const url = new URL(request.url);
      const response = await agent.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        headersTimeout: request.timeouts.firstByteMs,
        bodyTimeout: request.timeouts.idleMs,
      });
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      return { status: response.statusCode, headers, body: wrapBody(response.body, request) };
    } catch (error) {
      throw classifyNetworkError(error, request);
    }
  };
  return Object.assign(transport, { close: () => agent.close() });
}
