import type { ChatResponse } from '../../spec/index.js';
import type { RenderContext } from '../client-protocol.js';
import { mapFinishReason } from './map-finish-reason.js';
import { type OpenAiUsageBody, renderUsage } from './render-usage.js';

/** The id clients see: the gateway's request id, with OpenAI's `chatcmpl-` prefix. */
export function completionId(requestId: string): string {
  return requestId.startsWith('chatcmpl-') ? requestId : `chatcmpl-${requestId}`;
}

/** A `chat.completion` body. */
export interface ChatCompletionBody {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
      /** DeepSeek's field for reasoning text, which OpenAI-compatible clients read. */
      reasoning_content?: string;
    };
    logprobs: null;
    finish_reason: ReturnType<typeof mapFinishReason>;
  }[];
  usage: OpenAiUsageBody;
}

/** Renders a complete answer as an OpenAI `chat.completion` body. */
export function renderChatResponse(response: ChatResponse, context: RenderContext): ChatCompletionBody {
  let text: string | null = null;
  let reasoning: string | undefined;
  const toolCalls: NonNullable<ChatCompletionBody['choices'][number]['message']['tool_calls']> = [];
  for (const part of response.content) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'reasoning') reasoning = (reasoning ?? '') + part.text;
    else toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
  }
  const message: ChatCompletionBody['choices'][number]['message'] = { role: 'assistant', content: text, refusal: null };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  return {
    id: completionId(context.requestId),
    object: 'chat.completion',
    created: context.createdAt,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: mapFinishReason(response.finishReason) }],
    usage: renderUsage(response.usage, context.costUsd),
  };
}
