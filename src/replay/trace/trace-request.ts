/** The trace formats `tollgate replay` reads. */
export const TRACE_FORMATS = ['openai', 'ledger', 'routerbench', 'azure', 'mooncake'] as const;

/** One of {@link TRACE_FORMATS}. */
export type TraceFormat = (typeof TRACE_FORMATS)[number];

/** An OpenAI Chat Completions request body, as a trace line holds it. */
export type ChatBody = Record<string, unknown>;

/** One recorded request, ready to send through a gateway. */
export interface TraceRequest {
  /** Position in the trace, 0-based (request ids and reports refer to it). */
  index: number;
  /** When the request arrived, in milliseconds since the epoch (the replay's virtual clock). */
  atMs: number;
  /**
   * Builds the request body. Built on demand, not held, because synthetic prompts of long traces would
   * not fit in memory all at once. The replay replaces `model` per configuration.
   */
  body: () => ChatBody;
  /** Cost attribution (`x-tollgate-tenant`). */
  tenant?: string;
  /** Cost attribution (`x-tollgate-feature`). */
  feature?: string;
  /** Other `x-tollgate-*` request headers the trace recorded (priority, latency budget, …). */
  headers?: Record<string, string>;
  /**
   * Measured answer quality (0–1) per tier name, where the trace carries outcomes (RouterBench): the
   * score of the model that tier stands for on this very prompt.
   */
  outcomes?: Record<string, number>;
  /** What the recorded model behind each tier actually cost on this prompt, USD (RouterBench). */
  recordedCostUsd?: Record<string, number>;
}

/** A trace: requests in arrival order, and what the format cannot show. */
export interface Trace {
  /** A short name for reports (usually the file name). */
  name: string;
  format: TraceFormat;
  /** Requests sorted by `atMs`. */
  requests: TraceRequest[];
  /**
   * True when the prompts are synthetic filler of the recorded token sizes (token-count traces): the
   * replay then keeps the semantic cache out, since filler texts resemble each other and would produce
   * hits that real traffic would not.
   */
  contentFree: boolean;
  /**
   * True when synthetic prompts share text prefixes on purpose (Mooncake's prefix blocks), so that
   * provider prefix caches and the gateway's breakpoints have something to work on. Content-free traces
   * without it give every prompt its own text from the first token.
   */
  sharedPrefixes?: boolean;
  /**
   * The delimiter the prompts carry where an application marks a stable prefix (Mooncake). The gateway
   * turns it into breakpoints and removes it when prefix caching is on; configurations without prefix
   * caching are sent the prompts without it.
   */
  delimiter?: string;
  /** What a reader of the report must know about this trace (shown under the table). */
  notes: string[];
  /**
   * For traces whose answer sizes are recorded (`max_tokens` set to the recorded output): the longest.
   * The replay makes simulated answers run at least this long, so that `max_tokens` sets each size.
   */
  longestOutputTokens?: number;
}
