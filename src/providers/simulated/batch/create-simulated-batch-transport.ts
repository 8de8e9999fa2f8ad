import type { HttpRequest, HttpResponse, HttpTransport } from '../../../http/http-transport.js';
import { GatewayError } from '../../../spec/index.js';
import { createSimulatedTransport } from '../create-simulated-transport.js';
import { createSimulatedBatchApi, type SimulatedBatchApiOptions } from './create-simulated-batch-api.js';

/**
 * An HttpTransport for a simulated provider with a batch API: batch and file routes go to
 * {@link createSimulatedBatchApi}, everything else to the simulated Chat Completions and Messages
 * APIs, all in-process, whatever the URL's origin.
 */
export function createSimulatedBatchTransport(options: SimulatedBatchApiOptions = {}): HttpTransport {
  const batchApi = createSimulatedBatchApi(options);
  const live = createSimulatedTransport(options);
  return async (request: HttpRequest): Promise<HttpResponse> => {
    let path: string;
    try {
      const url = new URL(request.url);
      path = url.pathname + url.search;
    } catch (error) {
      throw new GatewayError({
        code: 'upstream_connection',
        message: 'The simulated provider cannot be reached at an invalid URL.',
        cause: error,
      });
    }
    const served = batchApi.handle({ method: request.method, path, headers: request.headers, body: request.body });
    if (!served) return live(request);
    const response = await served;
    return { status: response.status, headers: response.headers, body: response.body };
  };
}
