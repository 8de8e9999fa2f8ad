import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../logging/create-logger.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { toGatewayError } from '../spec/index.js';
import { sendError } from '../stages/respond/write-response.js';

/** A node:http handler in the gateway route table's shape. */
export type AdminHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/**
 * Runs a handler and answers anything it throws as a GatewayError in the OpenAI error shape, so that
 * a handler mounted outside the gateway's own router still fails cleanly. Internal errors are logged.
 */
export function withAdminErrors(handler: AdminHandler, logger: Logger | undefined): AdminHandler {
  return async (request, response, url) => {
    try {
      await handler(request, response, url);
    } catch (thrown) {
      const error = toGatewayError(thrown);
      if (error.code === 'internal') logger?.error({ err: thrown, path: url.pathname }, 'admin route failed');
      sendError({ response, protocol: openAiProtocol, error, headers: { 'cache-control': 'no-store' } });
    }
  };
}
