import type { z } from 'zod';
import {
  type AssistantMessage,
  type CacheControl,
  type ChatRequest,
  GatewayError,
  type ImagePart,
  type Message,
  type TextPart,
  type ToolResultPart,
  type UserMessage,
} from '../../spec/index.js';
import { type AnthropicRequest, anthropicRequestSchema, type ContentBlock } from './anthropic-request-schema.js';
import { readAnthropicRequest } from './read-anthropic-request.js';

type TextBlock = Extract<ContentBlock, { type: 'text' }>;
type ImageBlock = Extract<ContentBlock, { type: 'image' }>;
type ToolResultBlock = Extract<ContentBlock, { type: 'tool_result' }>;

/**
 * Validates an Anthropic Messages body and converts it to a canonical request. Errors are
 * `invalid_request` with `param` naming the path, worded like Anthropic's own 400s
 * (e.g. `max_tokens: Field required`).
 */
export function parseChatRequest(body: unknown): ChatRequest {
  // The hand-written check passes well-formed bodies without zod's cost; zod decides and words the rest.
  const input = readAnthropicRequest(body) ?? parseWithZod(body);
  const request: ChatRequest = {
    model: input.model,
    messages: [...convertSystem(input.system), ...input.messages.flatMap(convertMessage)],
    maxOutputTokens: input.max_tokens,
    stream: input.stream ?? false,
  };
  if (input.temperature !== undefined) request.temperature = input.temperature;
  if (input.top_p !== undefined) request.topP = input.top_p;
  if (input.top_k !== undefined) request.topK = input.top_k;
  if (input.stop_sequences !== undefined && input.stop_sequences.length > 0)
    request.stopSequences = input.stop_sequences;
  if (input.metadata?.user_id) request.user = input.metadata.user_id;
  Object.assign(request, convertTools(input));
  const reasoning = convertThinking(input);
  if (reasoning) request.reasoning = reasoning;
  const format = input.output_config?.format;
  if (format) request.responseFormat = { type: 'json_schema', name: 'response', schema: format.schema };
  return request;
}

function parseWithZod(body: unknown): AnthropicRequest {
  const parsed = anthropicRequestSchema.safeParse(body);
  if (!parsed.success) throw toInvalidRequest(parsed.error);
  return parsed.data;
}

function toInvalidRequest(error: z.ZodError): GatewayError {
  const issue = error.issues[0];
  const located = issue ? locate(issue, []) : undefined;
  const param = located && located.path.length > 0 ? located.path.join('.') : undefined;
  const message = located?.message ?? 'Invalid request body';
  return new GatewayError({
    code: 'invalid_request',
    message: param ? `${param}: ${message}` : `Invalid request body: ${message}`,
    ...(param ? { param } : {}),
    cause: error,
  });
}

type Issue = z.core.$ZodIssue;

/**
 * A union's own issue says only "Invalid input" at the union's path. The branch that got furthest
 * into the value (e.g. the block list of `content: string | Block[]`) names the real fault.
 */
function locate(issue: Issue, base: PropertyKey[]): { path: PropertyKey[]; message: string } {
  const path = [...base, ...issue.path];
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return { path, message: issue.message };
  let deepest: Issue | undefined;
  for (const branch of issue.errors) {
    for (const candidate of branch) {
      if (deepest === undefined || candidate.path.length > deepest.path.length) deepest = candidate;
    }
  }
  return deepest && deepest.path.length > 0 ? locate(deepest, path) : { path, message: issue.message };
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', message: `${param}: ${message}`, param });
}

function cacheControlOf(block: { cache_control?: CacheControl | null | undefined }): CacheControl | undefined {
  const control = block.cache_control;
  if (!control) return undefined;
  return control.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: control.ttl };
}

function textPart(block: Pick<TextBlock, 'text' | 'cache_control'>): TextPart {
  const cacheControl = cacheControlOf(block);
  return cacheControl ? { type: 'text', text: block.text, cacheControl } : { type: 'text', text: block.text };
}

function imagePart(block: ImageBlock): ImagePart {
  const source = block.source;
  const part: ImagePart =
    source.type === 'base64'
      ? { type: 'image', url: `data:${source.media_type};base64,${source.data}`, mediaType: source.media_type }
      : { type: 'image', url: source.url };
  const cacheControl = cacheControlOf(block);
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

function convertSystem(system: AnthropicRequest['system']): Message[] {
  if (system === undefined || system === '' || system.length === 0) return [];
  const content = typeof system === 'string' ? [{ type: 'text' as const, text: system }] : system.map(textPart);
  return [{ role: 'system', content }];
}

/**
 * One Anthropic turn may become several canonical messages: a user turn carries tool results and
 * new input together, while the canonical form keeps tool results in their own `tool` message.
 * Runs of each kind are kept in order.
 */
function convertMessage(message: AnthropicRequest['messages'][number], messageIndex: number): Message[] {
  const blocks =
    typeof message.content === 'string' ? [{ type: 'text' as const, text: message.content }] : message.content;
  const path = (blockIndex: number) => `messages.${messageIndex}.content.${blockIndex}`;
  if (message.role === 'system') {
    return [
      {
        role: 'system',
        content: blocks.map((block, blockIndex) => {
          if (block.type !== 'text') throw invalid(`${path(blockIndex)}.type`, 'a system message may only hold text');
          return textPart(block);
        }),
      },
    ];
  }
  if (message.role === 'assistant') {
    const content: AssistantMessage['content'] = blocks.map((block, blockIndex) => {
      switch (block.type) {
        case 'text':
          return textPart(block);
        case 'thinking':
          // An empty signature marks reasoning the gateway rendered from a provider that signs nothing.
          return block.signature === ''
            ? { type: 'reasoning', text: block.thinking }
            : { type: 'reasoning', text: block.thinking, signature: block.signature };
        case 'tool_use':
          return { type: 'tool-call', id: block.id, name: block.name, arguments: JSON.stringify(block.input) };
        default:
          throw invalid(`${path(blockIndex)}.type`, `an assistant message may not hold ${block.type} blocks`);
      }
    });
    return [{ role: 'assistant', content }];
  }
  const messages: Message[] = [];
  blocks.forEach((block, blockIndex) => {
    const last = messages.at(-1);
    if (block.type === 'tool_result') {
      const part = toolResultPart(block, path(blockIndex));
      if (last?.role === 'tool') last.content.push(part);
      else messages.push({ role: 'tool', content: [part] });
      return;
    }
    let part: UserMessage['content'][number];
    if (block.type === 'text') part = textPart(block);
    else if (block.type === 'image') part = imagePart(block);
    else throw invalid(`${path(blockIndex)}.type`, `a user message may not hold ${block.type} blocks`);
    if (last?.role === 'user') last.content.push(part);
    else messages.push({ role: 'user', content: [part] });
  });
  return messages;
}

function toolResultPart(block: ToolResultBlock, param: string): ToolResultPart {
  const content: TextPart[] = [];
  if (typeof block.content === 'string') content.push({ type: 'text', text: block.content });
  else {
    (block.content ?? []).forEach((inner, innerIndex) => {
      if (inner.type !== 'text') {
        throw invalid(
          `${param}.content.${innerIndex}.type`,
          'images inside tool_result are not supported by this gateway',
        );
      }
      content.push(textPart(inner));
    });
  }
  // The canonical tool result has no cache marker of its own; a breakpoint at the end of the block
  // is the same prefix as one on its last text, where providers that cache can read it back.
  const cacheControl = cacheControlOf(block);
  const last = content.at(-1);
  if (cacheControl && last && last.text !== '') last.cacheControl = cacheControl;
  const part: ToolResultPart = { type: 'tool-result', toolCallId: block.tool_use_id, content };
  if (block.is_error) part.isError = true;
  return part;
}

function convertTools(input: AnthropicRequest): Pick<ChatRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'> {
  const converted: Pick<ChatRequest, 'tools' | 'toolChoice' | 'parallelToolCalls'> = {};
  if (input.tools && input.tools.length > 0) {
    converted.tools = input.tools.map((tool) => {
      const { name, description, input_schema: parameters, strict } = tool;
      return {
        name,
        parameters,
        ...(description !== undefined ? { description } : {}),
        ...(strict !== undefined ? { strict } : {}),
      };
    });
  }
  const choice = input.tool_choice;
  if (choice) {
    if (choice.type === 'tool') converted.toolChoice = { type: 'tool', name: choice.name };
    else converted.toolChoice = { type: choice.type === 'any' ? 'required' : choice.type };
    if (choice.type !== 'none' && choice.disable_parallel_tool_use === true) converted.parallelToolCalls = false;
  }
  return converted;
}

function convertThinking(input: AnthropicRequest): ChatRequest['reasoning'] {
  const thinking = input.thinking;
  if (thinking?.type === 'enabled') return { budgetTokens: thinking.budget_tokens };
  const effort = input.output_config?.effort;
  if (thinking?.type === 'adaptive' || effort) {
    // Canonical effort stops at `high`; Anthropic's `xhigh` and `max` ask for at least that much.
    return { effort: effort === 'low' || effort === 'medium' ? effort : 'high' };
  }
  return undefined;
}
