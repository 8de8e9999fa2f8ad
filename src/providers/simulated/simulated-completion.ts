import type { GeneratedAnswer } from './generate-answer.js';

/** Input-token accounting of one request, before a wire protocol shapes it. */
export interface SimulatedUsage {
  /** Every input token, cached or not. */
  inputTokens: number;
  /** Input tokens read from the prefix cache. */
  cacheReadTokens: number;
  /** Input tokens written to the prefix cache (all lifetimes). */
  cacheWriteTokens: number;
  /** Of `cacheWriteTokens`, those written with the one-hour lifetime. */
  cacheWrite1hTokens: number;
  /** Output tokens. */
  outputTokens: number;
}

/** One simulated answer, ready for a wire protocol to render. */
export interface SimulatedCompletion {
  /** Response id in the protocol's format. */
  id: string;
  /** Tool call id in the protocol's format (used when the answer is a tool call). */
  toolCallId: string;
  /** Model name, echoed from the request. */
  model: string;
  /** Creation time, in seconds since the epoch. */
  created: number;
  answer: GeneratedAnswer;
  usage: SimulatedUsage;
  /** The answer's text (or tool arguments) split into the pieces a stream sends, one per pause. */
  streamPieces: string[];
}

/** A stream as a protocol lays it out: opening events, one chunk per paced piece, closing events. */
export interface StreamScript {
  /** Events before the first content (sent with the first piece). */
  head: string;
  /** One chunk of events per content piece. */
  pieces: string[];
  /** Events after the content: finish, usage and the end marker. */
  tail: string;
}

/** Request failures the simulator reports, each rendered in the protocol's own error shape. */
export type SimulatedFailureKind =
  | 'invalid_request'
  | 'authentication'
  | 'not_found'
  | 'model_not_found'
  | 'method_not_allowed'
  | 'rate_limit'
  | 'server_error'
  | 'overloaded';

/** A failure as a protocol-neutral description. */
export interface SimulatedFailure {
  kind: SimulatedFailureKind;
  message: string;
  /** The offending parameter, for `invalid_request`. */
  param?: string;
  /** For `rate_limit`: seconds to wait. */
  retryAfterS?: number;
}

/** Thrown by request parsers: the request cannot be served. */
export class SimulatedRequestError extends Error {
  readonly failure: SimulatedFailure;
  constructor(failure: SimulatedFailure) {
    super(failure.message);
    this.name = 'SimulatedRequestError';
    this.failure = failure;
  }
}

/** A rendered error response. */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789';

/** An id like the providers' (`chatcmpl-…`, `msg_01…`), derived from a number so runs repeat. */
export function createSimulatedId(input: { prefix: string; length: number; seed: number }): string {
  let state = Math.floor(Math.abs(input.seed)) % 4294967296;
  let id = input.prefix;
  for (let index = 0; index < input.length; index++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    id += ID_ALPHABET[(state >>> 8) % ID_ALPHABET.length];
  }
  return id;
}

/**
 * Splits text into about `count` pieces at word boundaries where it can (never inside a surrogate
 * pair), so a stream sends it in several chunks.
 */
export function splitIntoPieces(text: string, count: number): string[] {
  if (text.length === 0) return [];
  const pieces: string[] = [];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, count)));
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const space = text.indexOf(' ', end);
      if (space !== -1 && space - end < size / 2) end = space;
      const code = text.charCodeAt(end - 1);
      if (code >= 0xd800 && code <= 0xdbff) end += 1;
    }
    pieces.push(text.slice(start, end));
    start = end;
  }
  return pieces;
}
