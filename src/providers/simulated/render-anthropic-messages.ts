import type { RenderedError, SimulatedCompletion, SimulatedFailure, StreamScript } from './simulated-completion.js';

const STOP_REASONS = {
  stop: 'end_turn',
  stop_sequence: 'stop_sequence',
  length: 'max_tokens',
  tool_calls: 'tool_use',
} as const;

function uncachedInputTokens(completion: SimulatedCompletion): number {
  const { usage } = completion;
  return usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens;
}

function inputUsage(completion: SimulatedCompletion): Record<string, unknown> {
  const { usage } = completion;
  return {
    input_tokens: uncachedInputTokens(completion),
    cache_creation_input_tokens: usage.cacheWriteTokens,
    cache_read_input_tokens: usage.cacheReadTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteTokens - usage.cacheWrite1hTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hTokens,
    },
  };
}

function stopSequence(completion: SimulatedCompletion): string | null {
  return completion.answer.kind === 'text' ? (completion.answer.stopSequence ?? null) : null;
}

function contentBlock(completion: SimulatedCompletion): Record<string, unknown> {
  const { answer } = completion;
  if (answer.kind === 'text') return { type: 'text', text: answer.text };
  let input: unknown = {};
  try {
    input = JSON.parse(answer.toolCall.arguments);
  } catch {
    // Arguments cut by max_tokens are not JSON; Anthropic then sends what it parsed so far, often nothing.
  }
  return { type: 'tool_use', id: completion.toolCallId, name: answer.toolCall.name, input };
}

/** The body of a non-streaming `message`, in Anthropic's exact shape. */
export function renderAnthropicMessageBody(completion: SimulatedCompletion): string {
  return JSON.stringify({
    id: completion.id,
    type: 'message',
    role: 'assistant',
    model: completion.model,
    content: [contentBlock(completion)],
    stop_reason: STOP_REASONS[completion.answer.finish],
    stop_sequence: stopSequence(completion),
    usage: { ...inputUsage(completion), output_tokens: completion.usage.outputTokens, service_tier: 'standard' },
  });
}

function event(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/** The events of a streaming answer: `message_start` … `message_stop`, with a `ping`. */
export function renderAnthropicMessageStream(completion: SimulatedCompletion): StreamScript {
  const { answer } = completion;
  const isToolCall = answer.kind === 'tool-call';
  const block = isToolCall
    ? { type: 'tool_use', id: completion.toolCallId, name: answer.toolCall.name, input: {} }
    : { type: 'text', text: '' };
  const head =
    event('message_start', {
      message: {
        id: completion.id,
        type: 'message',
        role: 'assistant',
        model: completion.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...inputUsage(completion), output_tokens: 1, service_tier: 'standard' },
      },
    }) +
    event('content_block_start', { index: 0, content_block: block }) +
    event('ping', {});
  const pieces = completion.streamPieces.map((piece) =>
    event('content_block_delta', {
      index: 0,
      delta: isToolCall ? { type: 'input_json_delta', partial_json: piece } : { type: 'text_delta', text: piece },
    }),
  );
  const tail =
    event('content_block_stop', { index: 0 }) +
    event('message_delta', {
      delta: { stop_reason: STOP_REASONS[answer.finish], stop_sequence: stopSequence(completion) },
      usage: {
        input_tokens: uncachedInputTokens(completion),
        cache_creation_input_tokens: completion.usage.cacheWriteTokens,
        cache_read_input_tokens: completion.usage.cacheReadTokens,
        output_tokens: completion.usage.outputTokens,
      },
    }) +
    event('message_stop', {});
  return { head, pieces, tail };
}

/** A data line that is not JSON, as a misbehaving proxy might send mid-stream. */
export function renderAnthropicMalformedEvent(): string {
  return 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":\n\n';
}

const ERROR_TYPES: Record<SimulatedFailure['kind'], { status: number; type: string }> = {
  invalid_request: { status: 400, type: 'invalid_request_error' },
  authentication: { status: 401, type: 'authentication_error' },
  not_found: { status: 404, type: 'not_found_error' },
  model_not_found: { status: 404, type: 'not_found_error' },
  method_not_allowed: { status: 405, type: 'invalid_request_error' },
  rate_limit: { status: 429, type: 'rate_limit_error' },
  server_error: { status: 500, type: 'api_error' },
  overloaded: { status: 529, type: 'overloaded_error' },
};

/** An error response in Anthropic's shape (`{ type: 'error', error: { type, message } }`). */
export function renderAnthropicError(failure: SimulatedFailure, requestId: string): RenderedError {
  const { status, type } = ERROR_TYPES[failure.kind];
  const headers: Record<string, string> = { 'content-type': 'application/json', 'request-id': requestId };
  if (failure.kind === 'rate_limit') {
    const retryAfterS = failure.retryAfterS ?? 1;
    headers['retry-after'] = String(retryAfterS);
    headers['anthropic-ratelimit-requests-limit'] = '50';
    headers['anthropic-ratelimit-requests-remaining'] = '0';
  }
  if (failure.kind === 'overloaded' || failure.kind === 'server_error') headers['x-should-retry'] = 'true';
  const body = JSON.stringify({ type: 'error', error: { type, message: failure.message }, request_id: requestId });
  return { status, headers, body };
}
