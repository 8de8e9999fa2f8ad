import type { FinishReason } from './finish-reason.js';
import type { ReasoningPart, TextPart, ToolCallPart } from './message.js';
import type { Usage } from './usage.js';

/** A complete (non-streaming) answer. */
export interface ChatResponse {
  /** Provider-issued response id. */
  id: string;
  /** The concrete model that answered, as the provider named it. */
  model: string;
  /** Answer content in order: text, reasoning and tool calls. */
  content: (TextPart | ReasoningPart | ToolCallPart)[];
  /** Why generation stopped. */
  finishReason: FinishReason;
  /** Tokens used, normalised. */
  usage: Usage;
}
