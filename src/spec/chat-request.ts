import type { Message } from './message.js';

/** A function the model may call. */
export interface ToolDefinition {
  /** Tool name, unique within the request. */
  name: string;
  /** What the tool does, for the model. */
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  /** Ask the provider to enforce the schema strictly (OpenAI structured outputs). */
  strict?: boolean;
}

/** How the model may use tools. */
export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

/** The shape the answer must take. */
export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

/**
 * A chat request in the gateway's own vocabulary. Inbound protocols parse into it; provider
 * adapters convert from it. Fields a provider cannot honour are dropped with a warning, never silently.
 */
export interface ChatRequest {
  /** The model name the client asked for: `auto`, a tier or alias, or a concrete model. */
  model: string;
  /** The conversation, system instructions first. */
  messages: Message[];
  /** Upper bound on output tokens. */
  maxOutputTokens?: number;
  /** Sampling temperature. */
  temperature?: number;
  /** Nucleus sampling mass. */
  topP?: number;
  /** Top-k sampling (Anthropic and some open models). */
  topK?: number;
  /** Sequences that end generation. */
  stopSequences?: string[];
  /** Seed for reproducible sampling where supported. */
  seed?: number;
  /** OpenAI presence penalty. */
  presencePenalty?: number;
  /** OpenAI frequency penalty. */
  frequencyPenalty?: number;
  /** Tools the model may call. */
  tools?: ToolDefinition[];
  /** How the model may use tools. */
  toolChoice?: ToolChoice;
  /** Whether several tool calls may come in one turn. */
  parallelToolCalls?: boolean;
  /** The required answer shape. */
  responseFormat?: ResponseFormat;
  /** Reasoning effort for reasoning models (`low` | `medium` | `high`), or a thinking token budget. */
  reasoning?: { effort?: 'minimal' | 'low' | 'medium' | 'high'; budgetTokens?: number };
  /** An end-user id for abuse monitoring (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** True when the client wants server-sent events. */
  stream: boolean;
  /**
   * OpenAI clients: whether the client asked for a final usage chunk (`stream_options.include_usage`).
   * Adapters always ask providers for usage; this only decides what the client is shown.
   */
  includeStreamUsage?: boolean;
}
