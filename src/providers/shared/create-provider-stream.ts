import { GatewayError, type StreamPart, toGatewayError } from '../../spec/index.js';
import { createSseDecoder, type SseEvent } from './parse-sse.js';

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
 *
 * It is a hand-written iterator rather than an async generator: a provider sends a whole answer's
 * events in a few body pieces, and parts already decoded are handed out from a queue at the cost of
 * one resolved promise each, where generators stacked on the SSE parser cost several per part.
 */
export function createProviderStream(options: {
  body: AsyncIterable<Uint8Array>;
  reducer: StreamEventReducer;
  endpoint: string;
}): AsyncIterable<StreamPart> {
  return { [Symbol.asyncIterator]: () => new ProviderStreamIterator(options) };
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** Body pieces read after a finish before the rest of the body is cut. */
const MAX_PIECES_AFTER_FINISH = 4;

class ProviderStreamIterator implements AsyncIterator<StreamPart> {
  private readonly body: AsyncIterator<Uint8Array>;
  private readonly reducer: StreamEventReducer;
  private readonly endpoint: string;
  private readonly decoder = createSseDecoder();
  private readonly queue: StreamPart[] = [];
  private head = 0;
  /** A `finish` or `error` part is queued: nothing after it is. */
  private finished = false;
  /** The part that finished the stream is an `error`. */
  private failed = false;
  /** The body is done with (ended, failed or returned): nothing more is read. */
  private closed = false;
  /** The pull in progress, so that overlapping `next()` calls wait for it instead of reading twice. */
  private pulling: Promise<IteratorResult<StreamPart>> | undefined;

  constructor(options: { body: AsyncIterable<Uint8Array>; reducer: StreamEventReducer; endpoint: string }) {
    this.body = options.body[Symbol.asyncIterator]();
    this.reducer = options.reducer;
    this.endpoint = options.endpoint;
  }

  next(): Promise<IteratorResult<StreamPart>> {
    if (this.pulling) return this.pulling.then(() => this.next());
    const queued = this.shift();
    if (queued) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(DONE);
    this.pulling = this.pull().finally(() => {
      this.pulling = undefined;
    });
    return this.pulling;
  }

  async return(): Promise<IteratorResult<StreamPart>> {
    this.queue.length = 0;
    this.head = 0;
    this.finished = true;
    await this.closeBody();
    return DONE;
  }

  private shift(): IteratorResult<StreamPart> | undefined {
    if (this.head >= this.queue.length) return undefined;
    const value = this.queue[this.head] as StreamPart;
    this.head += 1;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return { done: false, value };
  }

  /** Reads body pieces until a part is queued or the body is done with. */
  private async pull(): Promise<IteratorResult<StreamPart>> {
    while (!this.closed) {
      try {
        const piece = await this.body.next();
        if (piece.done) {
          this.closed = true;
          this.reduce(this.decoder.end());
          if (this.reducer.onEnd && !this.finished) this.enqueue(this.reducer.onEnd());
          if (!this.finished) {
            this.enqueue([
              {
                type: 'error',
                error: new GatewayError({
                  code: 'stream_cut',
                  message: `The stream from ${this.endpoint} ended before the provider finished the answer.`,
                  endpoint: this.endpoint,
                }),
              },
            ]);
          }
        } else {
          this.reduce(this.decoder.feed(piece.value));
        }
      } catch (thrown) {
        this.fail(thrown);
      }
      // The answer is complete (or failed): the part goes out now; the body is finished in the background.
      if (this.finished) void (this.failed ? this.closeBody() : this.drainBody());
      const queued = this.shift();
      if (queued) return queued;
    }
    return this.shift() ?? DONE;
  }

  private reduce(events: SseEvent[]): void {
    for (const event of events) {
      if (this.finished) return;
      this.enqueue(this.reducer.onEvent(event));
    }
  }

  private enqueue(parts: StreamPart[]): void {
    for (const part of parts) {
      if (this.finished) return;
      this.queue.push(part);
      if (part.type === 'finish' || part.type === 'error') this.finished = true;
      if (part.type === 'error') this.failed = true;
    }
  }

  /** A reducer or the body threw: one error part, after the parts already queued. */
  private fail(thrown: unknown): void {
    if (this.finished) return;
    const error =
      thrown instanceof SyntaxError
        ? new GatewayError({
            code: 'upstream_malformed',
            message: `${this.endpoint} sent an event that is not valid JSON.`,
            endpoint: this.endpoint,
            cause: thrown,
          })
        : toGatewayError(thrown);
    this.enqueue([{ type: 'error', error }]);
  }

  /**
   * After a finish, reads what is left of the body (its end, normally in hand already) so that the
   * connection goes back to the pool as is; only a body that keeps going is cut. Cutting every body
   * at once would cost an AbortError with its stack trace per stream, since the body is not yet ended.
   */
  private async drainBody(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      for (let pieces = 0; pieces < MAX_PIECES_AFTER_FINISH; pieces += 1) {
        if ((await this.body.next()).done) return;
      }
      await this.body.return?.();
    } catch {
      // A body failing after the finish changes nothing for the answer.
    }
  }

  /** Stops reading the body (the upstream response is released); errors from closing it are moot. */
  private async closeBody(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.body.return?.();
    } catch {
      // The body was already failing; the stream has its error part or its finish.
    }
  }
}
