import { GatewayError } from '../spec/index.js';

interface Waiter {
  grant(): void;
}

/** Most single batch-priority requests waiting at once; beyond it they are refused at once (429). */
const MAX_WAITERS = 1_000;

/**
 * The slots batch work may use, shared by batch lines and single `x-tollgate-priority: batch`
 * requests. The limit is read at every decision (it shrinks while interactive requests are in
 * flight); waiting single requests are served first, in arrival order, since a client is holding a
 * connection for them, and the batch runner takes only what they leave.
 */
export class BatchCapacity {
  private used = 0;
  private readonly waiters: Waiter[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly limit: () => number) {}

  /** Slots in use. */
  get inFlight(): number {
    return this.used;
  }

  /** Single requests waiting for a slot. */
  get queued(): number {
    return this.waiters.length;
  }

  /** Takes a slot if one is free and nobody is waiting (the runner's way in); returns its release. */
  tryAcquire(): (() => void) | undefined {
    if (this.waiters.length > 0 || this.used >= this.limit()) return undefined;
    this.used += 1;
    return this.releaser();
  }

  /**
   * Waits for a slot, up to `timeoutMs`; resolves with the function that gives it back. Rejects with
   * `rate_limited` (429, retryable) on timeout or when the queue is full, and with `cancelled` when the
   * signal aborts.
   */
  acquire(options: { timeoutMs: number; signal?: AbortSignal }): Promise<() => void> {
    if (this.waiters.length === 0 && this.used < this.limit()) {
      this.used += 1;
      return Promise.resolve(this.releaser());
    }
    if (this.waiters.length >= MAX_WAITERS) {
      return Promise.reject(
        new GatewayError({
          code: 'rate_limited',
          message: `${MAX_WAITERS} batch-priority requests are already waiting for capacity; try again later.`,
          retryAfterMs: 5_000,
        }),
      );
    }
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const waiter: Waiter = {
        grant: () => {
          leave();
          resolve(this.releaser());
        },
      };
      const onAbort = (): void => {
        leave();
        reject(new GatewayError({ code: 'cancelled', message: 'The client went away while its request was queued.' }));
        this.pump();
      };
      const timer = setTimeout(() => {
        leave();
        reject(
          new GatewayError({
            code: 'rate_limited',
            message: `No batch capacity came free within ${options.timeoutMs} ms (batch.queue_timeout_ms): interactive traffic is using it.`,
            retryAfterMs: 5_000,
          }),
        );
        this.pump();
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Hands free slots to waiting requests, then tells the runner there may be room. */
  pump(): void {
    while (this.waiters.length > 0 && this.used < this.limit()) {
      this.used += 1;
      this.waiters[0]?.grant();
    }
    if (this.used < this.limit()) for (const listener of this.listeners) listener();
  }

  /** Calls `listener` when slots may have come free; returns an unsubscribe. */
  onRoom(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= 1;
      this.pump();
    };
  }
}
