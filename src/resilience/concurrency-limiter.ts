import { randomUUID } from 'node:crypto';
import type { SharedState } from '../shared-state/shared-state.js';
import { GatewayError } from '../spec/index.js';

/** Slots are leased so that a crashed instance's slots come back; live holders renew them. */
const SLOT_LEASE_MS = 30_000;
const RENEW_EVERY_MS = 10_000;
/**
 * Release notifications can be lost (a Redis reconnect) and a lapsed lease sends none, so queued
 * requests also look for a free slot at this interval.
 */
const POLL_MS = 100;

interface Waiter {
  holderId: string;
  resolve: (holderId: string) => void;
  reject: (error: GatewayError) => void;
  cleanup: () => void;
}

/** Limits of one endpoint, as `limits:` states them. */
export interface ConcurrencySettings {
  maxConcurrency: number;
  queueSize: number;
  queueTimeoutMs: number;
}

/**
 * The concurrency limit of one endpoint: at most `maxConcurrency` requests in flight across every
 * gateway instance (slots in the shared state), the rest waiting in this instance's FIFO queue of at
 * most `queueSize`, each for at most `queueTimeoutMs`. Hold times feed an average so that a caller can
 * be told the expected wait before it queues.
 */
export class ConcurrencyLimiter {
  private readonly queue: Waiter[] = [];
  private readonly held = new Map<string, number>();
  private unsubscribe: (() => void) | undefined;
  private poller: NodeJS.Timeout | undefined;
  private renewer: NodeJS.Timeout | undefined;
  private pumping = false;
  private pumpAgain = false;
  private settings: ConcurrencySettings;
  /** EWMA of how long a slot is held, ms. */
  private holdMs: number | undefined;

  constructor(
    private readonly options: {
      key: string;
      name: string;
      sharedState: SharedState;
      settings: ConcurrencySettings;
      alpha: () => number;
      onError: (error: unknown) => void;
    },
  ) {
    this.settings = options.settings;
  }

  /** Requests waiting on this instance. */
  get depth(): number {
    return this.queue.length;
  }

  /** Slots this instance holds. */
  get inFlight(): number {
    return this.held.size;
  }

  /** Expected wait for a newcomer, ms (0 when a slot is likely free; undefined before any observation). */
  expectedWaitMs(): number | undefined {
    if (this.queue.length === 0 && this.held.size < this.settings.maxConcurrency) return 0;
    if (this.holdMs === undefined) return undefined;
    return ((this.queue.length + 1) / this.settings.maxConcurrency) * this.holdMs;
  }

  /** Takes a slot, queueing if needed; resolves with the release function. */
  async acquire(input: {
    settings: ConcurrencySettings;
    signal: AbortSignal;
    /** Refuse at once when the expected wait exceeds this (the request's latency budget left). */
    maxWaitMs: number | undefined;
  }): Promise<() => void> {
    this.settings = input.settings;
    const holderId = randomUUID();
    if (this.queue.length === 0 && (await this.tryTake(holderId))) return this.releaser(holderId);
    if (this.queue.length >= this.settings.queueSize) {
      throw this.overloaded(
        `the queue for ${this.options.name} is full (${this.settings.queueSize} waiting, max_concurrency ${this.settings.maxConcurrency})`,
      );
    }
    const expected = this.expectedWaitMs();
    if (input.maxWaitMs !== undefined && expected !== undefined && expected > input.maxWaitMs) {
      throw this.overloaded(
        `the expected queue wait at ${this.options.name} (~${Math.round(expected)} ms) exceeds the request's latency budget (${Math.round(input.maxWaitMs)} ms left)`,
      );
    }
    const timeoutMs = Math.min(this.settings.queueTimeoutMs, input.maxWaitMs ?? Number.POSITIVE_INFINITY);
    const granted = await new Promise<string>((resolve, reject) => {
      const onAbort = (): void => {
        remove();
        reject(new GatewayError({ code: 'cancelled', message: 'The client went away.' }));
      };
      const timer = setTimeout(() => {
        remove();
        reject(this.overloaded(`no slot at ${this.options.name} within ${Math.round(timeoutMs)} ms (queue timeout)`));
      }, timeoutMs);
      const waiter: Waiter = {
        holderId,
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          input.signal.removeEventListener('abort', onAbort);
        },
      };
      const remove = (): void => {
        waiter.cleanup();
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        this.idle();
      };
      if (input.signal.aborted) {
        onAbort();
        return;
      }
      input.signal.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      this.watch();
      void this.pump();
    });
    return this.releaser(granted);
  }

  /** Stops timers and subscriptions (slots still held lapse with their leases). */
  close(): void {
    for (const waiter of this.queue.splice(0)) {
      waiter.cleanup();
      waiter.reject(this.overloaded(`the gateway is shutting down`));
    }
    this.idle();
    if (this.renewer) clearInterval(this.renewer);
    this.renewer = undefined;
  }

  private overloaded(reason: string): GatewayError {
    return new GatewayError({ code: 'upstream_overloaded', message: `Skipped ${this.options.name}: ${reason}.` });
  }

  private async tryTake(holderId: string): Promise<boolean> {
    const taken = await this.options.sharedState.acquireSlot({
      key: this.options.key,
      limit: this.settings.maxConcurrency,
      holderId,
      leaseMs: SLOT_LEASE_MS,
    });
    if (taken) {
      this.held.set(holderId, performance.now());
      this.renewer ??= setInterval(() => this.renew(), RENEW_EVERY_MS).unref();
    }
    return taken;
  }

  private releaser(holderId: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const since = this.held.get(holderId);
      this.held.delete(holderId);
      if (since !== undefined) {
        const heldMs = performance.now() - since;
        this.holdMs = this.holdMs === undefined ? heldMs : this.holdMs + this.options.alpha() * (heldMs - this.holdMs);
      }
      this.options.sharedState
        .releaseSlot({ key: this.options.key, holderId })
        .catch(this.options.onError)
        .finally(() => void this.pump());
    };
  }

  private renew(): void {
    if (this.held.size === 0) {
      // Stopped here rather than on every release, so that busy traffic does not churn timers.
      if (this.renewer) clearInterval(this.renewer);
      this.renewer = undefined;
      return;
    }
    this.options.sharedState
      .renewSlots({ key: this.options.key, holderIds: [...this.held.keys()], leaseMs: SLOT_LEASE_MS })
      .catch(this.options.onError);
  }

  /** Listens for freed slots while anyone waits. */
  private watch(): void {
    this.unsubscribe ??= this.options.sharedState.onSlotReleased(this.options.key, () => void this.pump());
    this.poller ??= setInterval(() => void this.pump(), POLL_MS).unref();
  }

  private idle(): void {
    if (this.queue.length > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }

  /** Hands free slots to waiters in order; one pump at a time, re-run if woken meanwhile. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (this.queue.length > 0) {
          const head = this.queue[0] as Waiter;
          let taken: boolean;
          try {
            taken = await this.tryTake(head.holderId);
          } catch (error) {
            this.options.onError(error);
            break;
          }
          if (!taken) break;
          if (this.queue[0] !== head) {
            // The head gave up (timeout or abort) while its slot was being taken: give the slot back
            // without counting the instant as a hold time.
            this.held.delete(head.holderId);
            this.releaser(head.holderId)();
            continue;
          }
          this.queue.shift();
          head.cleanup();
          head.resolve(head.holderId);
        }
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
      this.idle();
    }
  }
}
