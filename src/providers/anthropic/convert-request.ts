import { type ChatRequest, GatewayError } from '../../spec/index.js';
import type { AnthropicMessagesBody } from './anthropic-messages-body.js';
import { convertMessages } from './convert-messages.js';
import { convertReasoning } from './convert-reasoning.js';
import { convertTools } from './convert-tools.js';
import { emulateJsonResponse } from './emulate-json-response.js';

/** An Anthropic request body, plus what the response side must know to read the answer back. */
export interface ConvertedRequest {
  /** The body to POST to `/v1/messages`. */
  body: AnthropicMessagesBody;
  /** When JSON mode is emulated with a forced tool, that tool's name: its input is the answer text. */
  jsonToolName: string | undefined;
}

/**
 * Converts a canonical chat request to an Anthropic Messages body. Everything Anthropic cannot honour
 * is dropped or adjusted with a warning, never silently.
 */
export function convertRequest(options: {
  request: ChatRequest;
  upstreamModel: string;
  stream: boolean;
  warn(message: string): void;
}): ConvertedRequest {
  const { request, warn } = options;
  const { system, messages } = convertMessages({ messages: request.messages, warn });
  if (messages.length === 0) {
    throw new GatewayError({
      code: 'invalid_request',
      message: 'messages: at least one user or assistant message is required.',
      param: 'messages',
    });
  }
  const reasoning = convertReasoning({ request, warn });
  const thinkingEnabled = reasoning.thinking !== undefined;
  const hasTools = (request.tools?.length ?? 0) > 0;
  const json = emulateJsonResponse({ responseFormat: request.responseFormat, hasTools, thinkingEnabled, warn });

  const body: AnthropicMessagesBody = {
    model: options.upstreamModel,
    max_tokens: reasoning.maxTokens,
    messages,
    stream: options.stream,
  };
  // The instruction goes last so that a cache breakpoint on the client's system prompt still matches.
  const systemBlocks = json?.kind === 'instruction' ? [...system, json.instruction] : system;
  if (systemBlocks.length > 0) body.system = systemBlocks;
  if (json?.kind === 'tool') {
    body.tools = [json.tool];
    body.tool_choice = json.toolChoice;
  } else {
    Object.assign(
      body,
      convertTools({
        tools: request.tools,
        toolChoice: request.toolChoice,
        parallelToolCalls: request.parallelToolCalls,
        thinkingEnabled,
        warn,
      }),
    );
  }
  if (reasoning.thinking) body.thinking = reasoning.thinking;
  Object.assign(body, convertSampling({ request, thinkingEnabled, warn }));
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) {
    body.stop_sequences = request.stopSequences;
  }
  if (request.user !== undefined) body.metadata = { user_id: request.user };
  if (request.seed !== undefined) warn('seed was dropped: Anthropic does not support it.');
  if (request.presencePenalty !== undefined) warn('presence_penalty was dropped: Anthropic does not support it.');
  if (request.frequencyPenalty !== undefined) warn('frequency_penalty was dropped: Anthropic does not support it.');
  return { body, jsonToolName: json?.kind === 'tool' ? json.tool.name : undefined };
}

/**
 * Sampling parameters. Anthropic's temperature range is 0–1 (OpenAI's is 0–2), and with extended
 * thinking it accepts only temperature 1, top_p from 0.95 and no top_k
 * (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#feature-compatibility).
 */
function convertSampling(options: {
  request: ChatRequest;
  thinkingEnabled: boolean;
  warn(message: string): void;
}): Pick<AnthropicMessagesBody, 'temperature' | 'top_p' | 'top_k'> {
  const { request, thinkingEnabled, warn } = options;
  const sampling: Pick<AnthropicMessagesBody, 'temperature' | 'top_p' | 'top_k'> = {};
  if (request.temperature !== undefined) {
    let temperature = request.temperature;
    if (temperature > 1) {
      warn(`temperature ${temperature} is above Anthropic's maximum of 1; sent 1.`);
      temperature = 1;
    }
    if (thinkingEnabled && temperature !== 1) warn('temperature was dropped: Anthropic extended thinking requires 1.');
    else sampling.temperature = temperature;
  }
  if (request.topP !== undefined) {
    if (thinkingEnabled && request.topP < 0.95) warn('top_p was dropped: Anthropic extended thinking requires 0.95–1.');
    else sampling.top_p = request.topP;
  }
  if (request.topK !== undefined) {
    if (thinkingEnabled) warn('top_k was dropped: Anthropic extended thinking does not allow it.');
    else sampling.top_k = request.topK;
  }
  return sampling;
}
