/**
 * The spec: the gateway's own vocabulary for requests, responses, stream parts, usage and errors.
 * Everything else imports it; it imports nothing.
 */
export type { ChatRequest, ResponseFormat, ToolChoice, ToolDefinition } from './chat-request.js';
export type { ChatResponse } from './chat-response.js';
export type { EmbeddingRequest, EmbeddingResponse } from './embedding.js';
export type { FinishReason } from './finish-reason.js';
export { GatewayError, toGatewayError } from './gateway-error.js';
export type { GatewayErrorCode, GatewayErrorOptions } from './gateway-error.js';
export type {
  AssistantMessage,
  CacheControl,
  ContentPart,
  ImagePart,
  Message,
  ReasoningPart,
  SystemMessage,
  TextPart,
  ToolCallPart,
  ToolMessage,
  ToolResultPart,
  UserMessage,
} from './message.js';
export type {
  ErrorPart,
  FinishPart,
  ReasoningDeltaPart,
  StreamPart,
  StreamStartPart,
  TextDeltaPart,
  ToolCallDeltaPart,
  UsagePart,
} from './stream-part.js';
export { emptyUsage, totalInputTokens } from './usage.js';
export type { Usage } from './usage.js';
