import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, when present. */
  event: string | undefined;
  /** The `data:` field (multi-line data joined with newlines). */
  data: string;
}

/**
 * Parses a byte stream of server-sent events. This is the only SSE parser in the gateway: adapters
 * receive events, never raw text. Errors from the body (timeouts, resets) propagate to the caller.
 */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncIterable<SseEvent> {
  const pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of body) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) {
      const next = pending.shift();
      if (next) yield next;
    }
  }
  parser.feed(`${decoder.decode()}\n\n`);
  while (pending.length > 0) {
    const next = pending.shift();
    if (next) yield next;
  }
}
