/** The faults the simulated provider can inject. */
export const SIMULATED_FAULT_KINDS = [
  'rate_limit',
  'server_error',
  'overloaded',
  'reset',
  'timeout',
  'cut_stream',
  'malformed',
] as const;

/**
 * One kind of fault:
 * - `rate_limit`: 429 with `retry-after`;
 * - `server_error`: 500;
 * - `overloaded`: 503 (OpenAI) or 529 (Anthropic);
 * - `reset`: the connection fails (mid-stream for streams, before the response otherwise);
 * - `timeout`: no answer until the caller gives up (its signal or first-byte timeout);
 * - `cut_stream`: the body stops half-way with no finish, usage or `[DONE]`;
 * - `malformed`: a non-JSON body, or a garbage SSE data line half-way through a stream.
 */
export type SimulatedFaultKind = (typeof SIMULATED_FAULT_KINDS)[number];

/** A fault injected at random. */
export interface SimulatedFault {
  /** What goes wrong. */
  kind: SimulatedFaultKind;
  /** Probability (0–1) that a request gets this fault; the faults of a list are exclusive. */
  probability: number;
  /** For `rate_limit`: the `retry-after` to send, in seconds (default 1). */
  retryAfterS?: number;
}

/** Sleeps on some clock; rejects (with anything) when the signal aborts. */
export type SimulatedSleep = (milliseconds: number, signal?: AbortSignal) => Promise<void>;

/**
 * How the simulated provider behaves. Independent of the config schema: the gateway maps its config
 * to these options; tests and `tollgate replay` inject the clock and the random source.
 */
export interface SimulatedProviderOptions {
  /** Time to first token in milliseconds (default 20). */
  ttftMs?: number;
  /** Output speed in tokens per second (default 400); `Infinity` streams without pauses. */
  tokensPerSecond?: number;
  /** Typical answer length when the request sets no limit (default 60); varied ±40% per prompt. */
  outputTokens?: number;
  /** Output tokens per stream event (default 4); real APIs send 1–5. */
  tokensPerChunk?: number;
  /** Faults to inject at random. */
  faults?: SimulatedFault[];
  /** Random source in [0, 1) for fault injection (default `Math.random`); seed it for repeatable tests. */
  random?: () => number;
  /** Sleeps on the caller's clock (default real timers); a replay passes a virtual clock. */
  sleep?: SimulatedSleep;
  /** The caller's clock in milliseconds since the epoch (default `Date.now`); drives cache TTLs and `created`. */
  now?: () => number;
  /** Model names `GET /v1/models` lists (default `sim-small`, `sim-medium`, `sim-large`, `sim-embed`). */
  models?: string[];
  /** Answer 404 for a model not in `models` (default false: any model name is served). */
  rejectUnknownModels?: boolean;
  /** Default embedding size (default 1536, like `text-embedding-3-small`). */
  embeddingDimensions?: number;
  /** Most prefix-cache entries kept (default 10 000); the least recently used go first. */
  prefixCacheEntries?: number;
  /** When set, requests must carry this key (`Authorization: Bearer` or `x-api-key`), else 401. */
  apiKey?: string;
}

/** Options with every default filled in. */
export type ResolvedSimulatedOptions = Required<Omit<SimulatedProviderOptions, 'apiKey'>> & { apiKey?: string };

/** Waits on real timers; rejects when the signal aborts. */
export const realSleep: SimulatedSleep = (milliseconds, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    // setTimeout fires at once for delays beyond 2^31-1 ms; clamp so a huge wait stays a wait.
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.min(milliseconds, 2_147_483_647),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Fills in the defaults. */
export function resolveSimulatedOptions(options: SimulatedProviderOptions): ResolvedSimulatedOptions {
  return {
    ttftMs: Math.max(0, options.ttftMs ?? 20),
    tokensPerSecond: options.tokensPerSecond && options.tokensPerSecond > 0 ? options.tokensPerSecond : 400,
    outputTokens: Math.max(1, Math.round(options.outputTokens ?? 60)),
    tokensPerChunk: Math.max(1, Math.round(options.tokensPerChunk ?? 4)),
    faults: options.faults ?? [],
    random: options.random ?? Math.random,
    sleep: options.sleep ?? realSleep,
    now: options.now ?? Date.now,
    models: options.models ?? ['sim-small', 'sim-medium', 'sim-large', 'sim-embed'],
    rejectUnknownModels: options.rejectUnknownModels ?? false,
    embeddingDimensions: Math.max(1, Math.round(options.embeddingDimensions ?? 1536)),
    prefixCacheEntries: Math.max(1, Math.round(options.prefixCacheEntries ?? 10_000)),
    apiKey: options.apiKey,
  };
}
