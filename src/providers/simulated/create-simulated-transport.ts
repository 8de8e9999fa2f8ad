import type { HttpRequest, HttpResponse, HttpTransport } from '../../http/http-transport.js';
import { GatewayError } from '../../spec/index.js';
import { createSimulatedHandler, type SimulatedHandler } from './create-simulated-handler.js';
import type { SimulatedProviderOptions } from './simulated-provider-options.js';

/** Options for {@link createSimulatedTransport}: the provider's behaviour, or a handler to share. */
export interface SimulatedTransportOptions extends SimulatedProviderOptions {
  /** Serve through this handler (and its prefix cache) instead of creating one from the options. */
  handler?: SimulatedHandler;
}

/**
 * An HttpTransport that answers every URL in-process from the simulated provider (no sockets): the
 * URL's path picks the endpoint, whatever the origin or base path
 * (`http://simulated.tollgate/v1/chat/completions` works). Honours the request's signal and its
 * first-byte and idle timeouts on the simulator's clock.
 */
export function createSimulatedTransport(options: SimulatedTransportOptions = {}): HttpTransport {
  const handler = options.handler ?? createSimulatedHandler(options);
  return async (request: HttpRequest): Promise<HttpResponse> => {
    let path: string;
    try {
      const url = new URL(request.url);
      path = url.pathname + url.search;
    } catch (error) {
      throw new GatewayError({
        code: 'upstream_connection',
        message: `The simulated provider cannot be reached at an invalid URL.`,
        cause: error,
      });
    }
    const response = await handler.handle({
      method: request.method,
      path,
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      firstByteTimeoutMs: request.timeouts.firstByteMs,
      idleTimeoutMs: request.timeouts.idleMs,
    });
    return { status: response.status, headers: response.headers, body: response.body };
  };
}
