/** A clock that only moves when told to: the replay's notion of "now". */
export interface VirtualClock {
  /** Current virtual time, epoch milliseconds. */
  now(): number;
  /** Jumps to a time (a request's recorded arrival). */
  setTime(epochMs: number): void;
  /**
   * Advances the clock by `milliseconds` and resolves at once: a simulated provider "waiting" for its
   * first token or between chunks costs no wall time. Rejects when the signal is already aborted,
   * like a real timer would.
   */
  sleep(milliseconds: number, signal?: AbortSignal): Promise<void>;
}

/** Creates a virtual clock at `startMs`. */
export function createVirtualClock(startMs: number): VirtualClock {
  let current = startMs;
  return {
    now: () => current,
    setTime(epochMs) {
      current = epochMs;
    },
    sleep(milliseconds, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      current += Math.max(0, milliseconds);
      return Promise.resolve();
    },
  };
}
