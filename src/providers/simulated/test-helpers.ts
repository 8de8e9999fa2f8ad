import { readBodyText } from '../../http/http-transport.js';
import { createSimulatedHandler, type SimulatedHandler } from './create-simulated-handler.js';
import type { SimulatedResponse } from './deliver-response.js';
import type { SimulatedProviderOptions } from './simulated-provider-options.js';

/** A handler on an instant clock, for tests. */
export function createTestHandler(options: SimulatedProviderOptions = {}): SimulatedHandler {
  return createSimulatedHandler({ sleep: async () => {}, ...options });
}

/** Sends one JSON request to a handler. */
export function post(
  handler: SimulatedHandler,
  input: { path: string; body: unknown; headers?: Record<string, string>; signal?: AbortSignal },
): Promise<SimulatedResponse> {
  return handler.handle({
    method: 'POST',
    path: input.path,
    headers: { 'content-type': 'application/json', ...input.headers },
    body: typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
    signal: input.signal,
  });
}

/** A response with its whole body read. */
export async function readAll(
  response: SimulatedResponse,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return { status: response.status, headers: response.headers, text: await readBodyText(response.body) };
}

/** The `event:`/`data:` pairs of an SSE body. */
export function sseEvents(text: string): { event: string | undefined; data: string }[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice(6))
        .join('\n');
      return { event, data };
    });
}

/** A long, varied text of roughly `words` words (a system prompt worth caching). */
export function longText(words: number, salt = ''): string {
  const vocabulary = ['policy', 'refund', 'customer', 'order', 'shipping', 'invoice', 'account', 'warranty', 'support'];
  return Array.from(
    { length: words },
    (_, index) => `${vocabulary[(index * 7) % vocabulary.length]}${index % 13}${salt}`,
  ).join(' ');
}
