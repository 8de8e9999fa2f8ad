import type { GatewayError } from './gateway-error.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';

/** The stream has begun: provider response id and model. Always the first part. */
export interface StreamStartPart {
  type: 'start';
  /** Provider-issued response id. */
  id: string;
  /** The concrete model that answers. */
  model: string;
}

/** More answer text. */
export interface TextDeltaPart {
  type: 'text-delta';
  /** The new text. */
  text: string;
}

/** More reasoning text. */
export interface ReasoningDeltaPart {
  type: 'reasoning-delta';
  /** The new reasoning text. */
  text: string;
  /** Signature of the reasoning block, when the provider sends one (Anthropic). */
  signature?: string;
}

/**
 * Part of a tool call. The first delta of a call carries `id` and `name`; later deltas of the same
 * `index` carry only argument text.
 */
export interface ToolCallDeltaPart {
  type: 'tool-call-delta';
  /** Position of the call among this answer's tool calls, from 0. */
  index: number;
  /** Call id, on the first delta of the call. */
  id?: string;
  /** Tool name, on the first delta of the call. */
  name?: string;
  /** More argument JSON text (may be empty). */
  argumentsDelta: string;
}

/** Usage as reported so far; the last one seen wins. */
export interface UsagePart {
  type: 'usage';
  /** Tokens used, normalised. */
  usage: Usage;
}

/** Generation ended normally. Always the last part of a successful stream. */
export interface FinishPart {
  type: 'finish';
  /** Why generation stopped. */
  finishReason: FinishReason;
}

/** The stream failed; nothing follows. Never thrown from inside a stream, always sent as a part. */
export interface ErrorPart {
  type: 'error';
  /** The classified failure. */
  error: GatewayError;
}

/** Everything a provider stream can yield, in the gateway's vocabulary. */
export type StreamPart =
  | StreamStartPart
  | TextDeltaPart
  | ReasoningDeltaPart
  | ToolCallDeltaPart
  | UsagePart
  | FinishPart
  | ErrorPart;
