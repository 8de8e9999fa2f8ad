import {
  type AssistantMessage,
  type CacheControl,
  GatewayError,
  type ImagePart,
  type Message,
  type TextPart,
  type ToolMessage,
  type UserMessage,
} from '../../spec/index.js';
import type {
  AnthropicCacheControl,
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicTextBlock,
} from './anthropic-messages-body.js';

/** The conversation in Anthropic's shape: system instructions apart, then alternating turns. */
export interface ConvertedMessages {
  system: AnthropicTextBlock[];
  messages: AnthropicMessageParam[];
}

/**
 * Converts canonical messages to Anthropic's. System messages move to the top-level `system`
 * (Anthropic has no system role inside `messages`); tool results become `tool_result` blocks of a user
 * turn; consecutive turns of the same role are merged because Anthropic expects alternation.
 */
export function convertMessages(options: { messages: Message[]; warn(message: string): void }): ConvertedMessages {
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  let seenConversation = false;
  let warnedLateSystem = false;

  const append = (role: AnthropicMessageParam['role'], content: AnthropicContentBlock[]): void => {
    if (content.length === 0) return;
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };

  options.messages.forEach((message, messageIndex) => {
    switch (message.role) {
      case 'system':
        if (seenConversation && !warnedLateSystem) {
          warnedLateSystem = true;
          options.warn('A system message after the conversation start was moved into Anthropic\'s top-level "system".');
        }
        system.push(...message.content.filter((part) => part.text.length > 0).map(convertText));
        return;
      case 'user':
        seenConversation = true;
        append('user', convertUserContent(message, messageIndex));
        return;
      case 'tool':
        seenConversation = true;
        append('user', convertToolResults(message));
        return;
      case 'assistant':
        seenConversation = true;
        append('assistant', convertAssistantContent({ message, messageIndex, warn: options.warn }));
        return;
      default: {
        const unreachable: never = message;
        throw new GatewayError({ code: 'internal', message: `Unknown message role in ${String(unreachable)}.` });
      }
    }
  });
  return { system, messages };
}

function convertCacheControl(cacheControl: CacheControl): AnthropicCacheControl {
  return cacheControl.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: cacheControl.ttl };
}

function convertText(part: TextPart): AnthropicTextBlock {
  return part.cacheControl === undefined
    ? { type: 'text', text: part.text }
    : { type: 'text', text: part.text, cache_control: convertCacheControl(part.cacheControl) };
}

function convertUserContent(message: UserMessage, messageIndex: number): AnthropicContentBlock[] {
  return message.content.flatMap((part, partIndex): AnthropicContentBlock[] => {
    if (part.type === 'text') return part.text.length > 0 || part.cacheControl ? [convertText(part)] : [];
    return [convertImage(part, `messages[${messageIndex}].content[${partIndex}]`)];
  });
}

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

function convertImage(part: ImagePart, param: string): AnthropicImageBlock {
  const dataUrl = DATA_URL.exec(part.url);
  let source: AnthropicImageBlock['source'];
  if (dataUrl) {
    source = { type: 'base64', media_type: dataUrl[1] ?? part.mediaType ?? 'image/png', data: dataUrl[2] ?? '' };
  } else if (/^https?:\/\//i.test(part.url)) {
    source = { type: 'url', url: part.url };
  } else {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${param}: an image must be an http(s) URL or a base64 data: URL.`,
      param,
    });
  }
  const block: AnthropicImageBlock = { type: 'image', source };
  if (part.cacheControl) block.cache_control = convertCacheControl(part.cacheControl);
  return block;
}

function convertToolResults(message: ToolMessage): AnthropicContentBlock[] {
  return message.content.map((part) => {
    const content = part.content.filter((text) => text.text.length > 0).map(convertText);
    return {
      type: 'tool_result' as const,
      tool_use_id: part.toolCallId,
      ...(content.length > 0 ? { content } : {}),
      ...(part.isError ? { is_error: true } : {}),
    };
  });
}

function convertAssistantContent(options: {
  message: AssistantMessage;
  messageIndex: number;
  warn(message: string): void;
}): AnthropicContentBlock[] {
  const blocks: AnthropicContentBlock[] = [];
  let droppedReasoning = false;
  options.message.content.forEach((part, partIndex) => {
    switch (part.type) {
      case 'text':
        // Anthropic rejects empty text blocks ("text content blocks must be non-empty").
        if (part.text.length > 0) blocks.push(convertText(part));
        return;
      case 'reasoning':
        // Anthropic verifies thinking blocks by their signature; reasoning from another provider has none.
        if (part.signature === undefined) droppedReasoning = true;
        else blocks.push({ type: 'thinking', thinking: part.text, signature: part.signature });
        return;
      case 'tool-call':
        blocks.push({
          type: 'tool_use',
          id: part.id,
          name: part.name,
          input: parseToolArguments({
            text: part.arguments,
            param: `messages[${options.messageIndex}].content[${partIndex}].arguments`,
          }),
        });
        return;
      default: {
        const unreachable: never = part;
        throw new GatewayError({ code: 'internal', message: `Unknown assistant part ${String(unreachable)}.` });
      }
    }
  });
  if (droppedReasoning) {
    options.warn('Reasoning without an Anthropic signature was dropped from an earlier assistant turn.');
  }
  return blocks;
}

/** Tool-call arguments are JSON text in the canonical form; Anthropic wants the parsed object. */
function parseToolArguments(options: { text: string; param: string }): Record<string, unknown> {
  if (options.text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(options.text);
  } catch (cause) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${options.param}: tool call arguments are not valid JSON.`,
      param: options.param,
      cause,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${options.param}: tool call arguments must be a JSON object.`,
      param: options.param,
    });
  }
  return parsed as Record<string, unknown>;
}
