import { createParser, type EventSourceMessage } from 'eventsource-parser';

/** One server-sent event. */
export interface SseEvent {
  /** The `event:` field, when present. */
  event: string | undefined;
  /** The `data:` field (multi-line data joined with newlines). */
  data: string;
}

/** Turns body bytes into events, synchronously: whatever whole events a piece of the body completes. */
export interface SseDecoder {
  /** The events that this piece of the body completes (split events and split UTF-8 wait for the rest). */
  feed(chunk: Uint8Array): SseEvent[];
  /** The events left when the body ends (a last event without its blank line). */
  end(): SseEvent[];
}

/**
 * The gateway's one SSE parser, as a synchronous decoder: the provider stream pulls body pieces and
 * decodes each in one call, so that the events of a piece cost no await each.
 */
export function createSseDecoder(): SseDecoder {
  let pending: SseEvent[] = [];
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      pending.push({ event: message.event, data: message.data });
    },
  });
  const decoder = new TextDecoder();
  const take = (): SseEvent[] => {
    const events = pending;
    pending = [];
    return events;
  };
  return {
    feed(chunk) {
      parser.feed(decoder.decode(chunk, { stream: true }));
      return take();
    },
    end() {
      parser.feed(`${decoder.decode()}\n\n`);
      return take();
    },
  };
}
