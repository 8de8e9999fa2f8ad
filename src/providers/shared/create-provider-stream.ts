import { GatewayError, type StreamPart, toGatewayError } from '../../spec/index.js';
import { parseSse, type SseEvent } from './parse-sse.js';

/**
 * What an adapter supplies to turn one provider's events into stream parts. It is a small reducer:
 * it keeps its own state and maps each validated event to zero or more parts.
 */
export interface StreamEventReducer {
  /** Maps one event. Throwing a GatewayError (or anything) ends the stream with an `error` part. */
  onEvent(event: SseEvent): StreamPart[];
  /** Parts to emit when the body ends (e.g. a deferred finish). */
  onEnd?(): StreamPart[];
}

/**
 * Runs a provider's SSE body through its reducer and guarantees the stream contract:
 * nothing throws from inside the stream; a failure becomes exactly one `error` part; a body that ends
 * before a `finish` part becomes a `stream_cut` error, never a clean end.
 */
export async function* createProviderStream(options: {
  body: AsyncIterable<Uint8Array>;
  reducer: StreamEventReducer;
  endpoint: string;
}): AsyncIterable<StreamPart> {
  let finished = false;
  const emit = function* (parts: StreamPart[]): Iterable<StreamPart> {
    for (const part of parts) {
      if (finished) return;
      if (part.type === 'finish') finished = true;
      yield part;
      if (part.type === 'error') {
        finished = true;
        return;
      }
    }
  };
  try {
    for await (const event of parseSse(options.body)) {
      yield* emit(options.reducer.onEvent(event));
      if (finished) return;
    }
    if (options.reducer.onEnd) yield* emit(options.reducer.onEnd());
    if (!finished) {
      yield {
        type: 'error',
        error: new GatewayError({
          code: 'stream_cut',
          message: `The stream from ${options.endpoint} ended before the provider finished the answer.`,
          endpoint: options.endpoint,
        }),
      };
    }
  } catch (thrown) {
    if (finished) return;
    const error =
      thrown instanceof SyntaxError
        ? new GatewayError({
            code: 'upstream_malformed',
            message: `${options.endpoint} sent an event that is not valid JSON.`,
            endpoint: options.endpoint,
            cause: thrown,
          })
        : toGatewayError(thrown);
    yield { type: 'error', error };
  }
}
