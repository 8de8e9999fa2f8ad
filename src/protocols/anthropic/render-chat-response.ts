import { type ChatResponse, GatewayError } from '../../spec/index.js';
import type { RenderContext } from '../client-protocol.js';
import { renderMessageId } from './render-message-id.js';
import { type AnthropicStopReason, renderStopReason } from './render-stop-reason.js';
import { type AnthropicUsageBody, renderUsage } from './render-usage.js';

/** A content block of a rendered Anthropic message. */
export type AnthropicResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** Anthropic's `message` object (https://docs.anthropic.com/en/api/messages). */
export interface AnthropicMessageBody {
  id: string;
  type: 'message';
  role: 'assistant';
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason;
  stop_sequence: null;
  usage: AnthropicUsageBody;
}

/** Renders a complete answer as an Anthropic `message`. */
export function renderChatResponse(response: ChatResponse, context: RenderContext): AnthropicMessageBody {
  const content = response.content.flatMap((part): AnthropicResponseBlock[] => {
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }];
      case 'reasoning':
        // Reasoning from a provider without signatures (DeepSeek) still shows as thinking; the empty
        // signature tells the parser not to send it back to Anthropic as verified thinking.
        return [{ type: 'thinking', thinking: part.text, signature: part.signature ?? '' }];
      case 'tool-call':
        return [{ type: 'tool_use', id: part.id, name: part.name, input: parseToolInput(part) }];
      default: {
        const unreachable: never = part;
        return unreachable;
      }
    }
  });
  return {
    id: renderMessageId(context.requestId),
    type: 'message',
    role: 'assistant',
    model: context.model,
    content,
    stop_reason: renderStopReason(response.finishReason),
    stop_sequence: null,
    usage: renderUsage(response.usage, context.costUsd),
  };
}

/**
 * Anthropic clients receive tool input as an object. A model behind an OpenAI-compatible API can emit
 * arguments that are not a JSON object; that answer cannot be rendered faithfully, so it is a
 * provider fault (retryable, so a fallback may do better) rather than a silently emptied input.
 */
function parseToolInput(part: { name: string; arguments: string }): Record<string, unknown> {
  if (part.arguments.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(part.arguments);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new GatewayError({
    code: 'upstream_malformed',
    message: `The model called tool "${part.name}" with arguments that are not a JSON object.`,
  });
}
