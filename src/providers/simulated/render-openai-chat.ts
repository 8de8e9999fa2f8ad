import type { RenderedError, SimulatedCompletion, SimulatedFailure, StreamScript } from './simulated-completion.js';

/** A fixed fingerprint, as OpenAI sends one per backend configuration. */
const SYSTEM_FINGERPRINT = 'fp_sim0000001';

const FINISH_REASONS = {
  stop: 'stop',
  stop_sequence: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
} as const;

function finishReason(completion: SimulatedCompletion): string {
  return FINISH_REASONS[completion.answer.finish];
}

function usageObject(completion: SimulatedCompletion): Record<string, unknown> {
  const { usage } = completion;
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The body of a non-streaming `chat.completion`, in OpenAI's exact shape. */
export function renderOpenAiChatBody(completion: SimulatedCompletion): string {
  const { answer } = completion;
  const message =
    answer.kind === 'tool-call'
      ? {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: completion.toolCallId,
              type: 'function',
              function: { name: answer.toolCall.name, arguments: answer.toolCall.arguments },
            },
          ],
          refusal: null,
          annotations: [],
        }
      : { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  return JSON.stringify({
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(completion) }],
    usage: usageObject(completion),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  });
}

/** The events of a streaming answer: `chat.completion.chunk`s, the usage chunk if asked, `[DONE]`. */
export function renderOpenAiChatStream(
  completion: SimulatedCompletion,
  options: { includeUsage: boolean },
): StreamScript {
  const event = (choices: unknown[], extra: Record<string, unknown> = {}): string =>
    `data: ${JSON.stringify({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
      ...(options.includeUsage ? { usage: null } : {}),
      ...extra,
    })}\n\n`;
  const choice = (delta: Record<string, unknown>, finish: string | null = null): unknown => ({
    index: 0,
    delta,
    logprobs: null,
    finish_reason: finish,
  });
  const { answer } = completion;
  const isToolCall = answer.kind === 'tool-call';
  const head = isToolCall
    ? event([
        choice({
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              index: 0,
              id: completion.toolCallId,
              type: 'function',
              function: { name: answer.toolCall.name, arguments: '' },
            },
          ],
          refusal: null,
        }),
      ])
    : event([choice({ role: 'assistant', content: '', refusal: null })]);
  const pieces = completion.streamPieces.map((piece) =>
    isToolCall
      ? event([choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] })])
      : event([choice({ content: piece })]),
  );
  let tail = event([choice({}, finishReason(completion))]);
  if (options.includeUsage) tail += event([], { usage: usageObject(completion) });
  tail += 'data: [DONE]\n\n';
  return { head, pieces, tail };
}

/** A data line that is not JSON, as a misbehaving proxy might send mid-stream. */
export function renderOpenAiMalformedEvent(completion: SimulatedCompletion): string {
  return `data: {"id":"${completion.id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":\n\n`;
}

const ERROR_TYPES: Record<SimulatedFailure['kind'], { status: number; type: string; code: string | null }> = {
  invalid_request: { status: 400, type: 'invalid_request_error', code: null },
  authentication: { status: 401, type: 'invalid_request_error', code: 'invalid_api_key' },
  not_found: { status: 404, type: 'invalid_request_error', code: null },
  model_not_found: { status: 404, type: 'invalid_request_error', code: 'model_not_found' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', code: null },
  rate_limit: { status: 429, type: 'requests', code: 'rate_limit_exceeded' },
  server_error: { status: 500, type: 'server_error', code: null },
  overloaded: { status: 503, type: 'server_error', code: 'overloaded' },
};

/** An error response in OpenAI's shape (`{ error: { message, type, param, code } }`). */
export function renderOpenAiError(failure: SimulatedFailure): RenderedError {
  const { status, type, code } = ERROR_TYPES[failure.kind];
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (failure.kind === 'rate_limit') {
    const retryAfterS = failure.retryAfterS ?? 1;
    headers['retry-after'] = String(retryAfterS);
    headers['retry-after-ms'] = String(Math.round(retryAfterS * 1000));
    headers['x-ratelimit-limit-requests'] = '500';
    headers['x-ratelimit-remaining-requests'] = '0';
    headers['x-ratelimit-reset-requests'] = `${retryAfterS}s`;
  }
  const body = JSON.stringify({ error: { message: failure.message, type, param: failure.param ?? null, code } });
  return { status, headers, body };
}
