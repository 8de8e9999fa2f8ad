/** Provider prefix-cache marker on a content part (Anthropic `cache_control`). */
export interface CacheControl {
  /** Only ephemeral caching exists today. */
  type: 'ephemeral';
  /** Cache lifetime; Anthropic accepts `5m` (default) and `1h`. */
  ttl?: '5m' | '1h';
}

/** Plain text. */
export interface TextPart {
  type: 'text';
  /** The text itself. */
  text: string;
  /** Where a provider prefix-cache breakpoint ends, if any. */
  cacheControl?: CacheControl;
}

/** An image given by URL or inline base64 data. */
export interface ImagePart {
  type: 'image';
  /** An http(s) URL or a `data:` URL. */
  url: string;
  /** Media type when known (e.g. `image/png`). */
  mediaType?: string;
  /** Where a provider prefix-cache breakpoint ends, if any. */
  cacheControl?: CacheControl;
}

/** Hidden or summarised reasoning the model produced (Anthropic thinking, DeepSeek reasoning_content). */
export interface ReasoningPart {
  type: 'reasoning';
  /** The reasoning text. */
  text: string;
  /** Provider signature that must be sent back unchanged in later turns (Anthropic). */
  signature?: string;
}

/** A request from the model to call a tool. */
export interface ToolCallPart {
  type: 'tool-call';
  /** Provider-issued id that the tool result refers back to. */
  id: string;
  /** Tool name. */
  name: string;
  /** Arguments as JSON text, exactly as the model produced them. */
  arguments: string;
}

/** The result of a tool call, sent back to the model. */
export interface ToolResultPart {
  type: 'tool-result';
  /** Id of the tool call this answers. */
  toolCallId: string;
  /** Result content. */
  content: TextPart[];
  /** True when the tool failed. */
  isError?: boolean;
}

/** Instructions that frame the conversation. */
export interface SystemMessage {
  role: 'system';
  content: TextPart[];
}

/** What the user said. */
export interface UserMessage {
  role: 'user';
  content: (TextPart | ImagePart)[];
}

/** What the model said earlier. */
export interface AssistantMessage {
  role: 'assistant';
  content: (TextPart | ReasoningPart | ToolCallPart)[];
}

/** Results of tool calls. */
export interface ToolMessage {
  role: 'tool';
  content: ToolResultPart[];
}

/** One turn of a conversation. */
export type Message = SystemMessage | UserMessage | AssistantMessage | ToolMessage;

/** Any content part that may appear in a message. */
export type ContentPart = TextPart | ImagePart | ReasoningPart | ToolCallPart | ToolResultPart;
