import type { ChatRequest, ChatResponse, GatewayError, StreamPart, Usage } from '../spec/index.js';

/** What a protocol needs to render an answer besides the answer itself. */
export interface RenderContext {
  /** The gateway's request id (also the response id clients see). */
  requestId: string;
  /** The model name to show the client (the concrete model that answered). */
  model: string;
  /** Unix time in seconds when the request arrived. */
  createdAt: number;
  /** Cost of this request in USD, when known; rendered in usage (`cost_usd`). */
  costUsd?: number;
}

/** Turns stream parts into the bytes of one client protocol's SSE stream. Stateful, one per response. */
export interface StreamRenderer {
  /**
   * Renders one part as zero or more SSE frames. The `usage` and `finish` parts may be held back so
   * that the final frames carry both (protocols differ in where usage goes).
   */
  render(part: StreamPart): string;
  /**
   * Renders the end of a successful stream, with the final usage and its cost. Called once, after
   * the `finish` part.
   */
  end(final: { usage: Usage; costUsd: number | undefined }): string;
  /** Renders a failure as the protocol's in-stream error event. Called at most once; nothing follows. */
  error(error: GatewayError): string;
}

/** A client-facing API shape: OpenAI Chat Completions or Anthropic Messages. */
export interface ClientProtocol {
  /** Which API. */
  readonly name: 'openai' | 'anthropic';
  /** Validates a parsed JSON body and converts it; throws GatewayError (`invalid_request`, with `param`). */
  parseChatRequest(body: unknown): ChatRequest;
  /** Renders a complete answer as the protocol's JSON body. */
  renderChatResponse(response: ChatResponse, context: RenderContext): unknown;
  /** Starts a stream renderer for one response. */
  createStreamRenderer(context: RenderContext, request: ChatRequest): StreamRenderer;
  /** Renders an error as the protocol's error body. */
  renderError(error: GatewayError): unknown;
}
