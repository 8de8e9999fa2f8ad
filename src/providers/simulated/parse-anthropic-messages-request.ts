import {
  invalidType,
  isJsonObject,
  type JsonObject,
  optionalPositiveInteger,
  parseJsonObject,
  requireString,
  stopSequences,
} from './parse-helpers.js';
import { SimulatedRequestError } from './simulated-completion.js';
import type { CacheTtl, PromptBlock, PromptMessage, PromptTool, SimulatedPrompt } from './simulated-prompt.js';

/** An Anthropic Messages request, as the simulator understands it. */
export interface AnthropicMessagesRequest {
  prompt: SimulatedPrompt;
  stream: boolean;
}

/** Anthropic allows at most this many `cache_control` breakpoints per request. */
const MAX_BREAKPOINTS = 4;
/** Tokens the simulator charges for an image or document block. */
const ATTACHMENT_TOKENS = 85;

function cacheTtl(block: JsonObject): CacheTtl | undefined {
  const control = block.cache_control;
  if (!isJsonObject(control) || control.type !== 'ephemeral') return undefined;
  return control.ttl === '1h' ? '1h' : '5m';
}

function blockText(block: JsonObject): { text: string; extraTokens?: number } {
  switch (block.type) {
    case 'text':
      return { text: typeof block.text === 'string' ? block.text : '' };
    case 'thinking':
      return { text: typeof block.thinking === 'string' ? block.thinking : '' };
    case 'tool_use':
    case 'server_tool_use':
      return { text: `${String(block.name ?? '')}(${JSON.stringify(block.input ?? {})})` };
    case 'tool_result': {
      const content = block.content;
      if (typeof content === 'string') return { text: content };
      const parts = Array.isArray(content) ? content.filter(isJsonObject).map((part) => blockText(part).text) : [];
      return { text: parts.join('\n') };
    }
    default:
      return { text: JSON.stringify(block.source ?? block).slice(0, 256), extraTokens: ATTACHMENT_TOKENS };
  }
}

function contentBlocks(content: unknown, param: string): { blocks: PromptBlock[]; hasToolResult: boolean } {
  if (typeof content === 'string') return { blocks: [{ text: content }], hasToolResult: false };
  if (!Array.isArray(content)) throw invalidType(param, 'a string or an array of content blocks', content);
  let hasToolResult = false;
  const blocks = content.map((block, index): PromptBlock => {
    if (!isJsonObject(block) || typeof block.type !== 'string') {
      throw invalidType(`${param}.${index}`, 'a content block with a type', block);
    }
    if (block.type === 'tool_result') hasToolResult = true;
    const ttl = cacheTtl(block);
    return { ...blockText(block), ...(ttl ? { cacheTtl: ttl } : {}) };
  });
  return { blocks, hasToolResult };
}

function parseMessage(message: unknown, index: number): PromptMessage {
  const param = `messages.${index}`;
  if (!isJsonObject(message)) throw invalidType(param, 'an object', message);
  if (message.role !== 'user' && message.role !== 'assistant') {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: `${param}.role`,
      message: `${param}.role: Input should be 'user' or 'assistant'`,
    });
  }
  const { blocks, hasToolResult } = contentBlocks(message.content, `${param}.content`);
  return { role: message.role === 'assistant' ? 'assistant' : hasToolResult ? 'tool' : 'user', blocks };
}

function parseSystem(value: unknown): PromptMessage[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [{ role: 'system', blocks: [{ text: value }] }];
  return [{ role: 'system', blocks: contentBlocks(value, 'system').blocks }];
}

function parseTools(value: unknown): { tools: PromptTool[]; message: PromptMessage[] } {
  if (value === undefined || value === null) return { tools: [], message: [] };
  if (!Array.isArray(value)) throw invalidType('tools', 'an array', value);
  const tools: PromptTool[] = [];
  const blocks: PromptBlock[] = [];
  value.forEach((tool, index) => {
    if (!isJsonObject(tool) || typeof tool.name !== 'string') {
      throw new SimulatedRequestError({
        kind: 'invalid_request',
        param: `tools.${index}.name`,
        message: `tools.${index}.name: Field required`,
      });
    }
    const parsed: PromptTool = {
      name: tool.name,
      description: typeof tool.description === 'string' ? tool.description : '',
      parameters: isJsonObject(tool.input_schema) ? tool.input_schema : { type: 'object', properties: {} },
    };
    tools.push(parsed);
    const ttl = cacheTtl(tool);
    blocks.push({ text: JSON.stringify(parsed), ...(ttl ? { cacheTtl: ttl } : {}) });
  });
  return { tools, message: [{ role: 'tools', blocks }] };
}

function parseToolChoice(value: unknown): SimulatedPrompt['toolChoice'] {
  if (value === undefined || value === null) return { type: 'auto' };
  if (!isJsonObject(value)) throw invalidType('tool_choice', 'an object', value);
  switch (value.type) {
    case 'auto':
      return { type: 'auto' };
    case 'none':
      return { type: 'none' };
    case 'any':
      return { type: 'required' };
    case 'tool':
      if (typeof value.name === 'string') return { type: 'tool', name: value.name };
  }
  throw invalidType('tool_choice', "{type: 'auto' | 'any' | 'none'} or {type: 'tool', name}", value);
}

/**
 * Parses and validates a `POST /v1/messages` body (or a `count_tokens` body, which has no
 * `max_tokens`). Throws SimulatedRequestError.
 */
export function parseAnthropicMessagesRequest(
  body: string | undefined,
  options: { countTokensOnly?: boolean } = {},
): AnthropicMessagesRequest {
  const request = parseJsonObject(body);
  const model = requireString(request, 'model');
  const maxTokens = optionalPositiveInteger(request, 'max_tokens');
  if (maxTokens === undefined && !options.countTokensOnly) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: 'max_tokens',
      message: 'max_tokens: Field required',
    });
  }
  if (!Array.isArray(request.messages)) {
    if (request.messages === undefined) {
      throw new SimulatedRequestError({
        kind: 'invalid_request',
        param: 'messages',
        message: 'messages: Field required',
      });
    }
    throw invalidType('messages', 'an array', request.messages);
  }
  const { tools, message: toolsMessage } = parseTools(request.tools);
  const messages = [...toolsMessage, ...parseSystem(request.system), ...request.messages.map(parseMessage)];
  const breakpoints = messages.reduce(
    (count, message) => count + message.blocks.filter((block) => block.cacheTtl !== undefined).length,
    0,
  );
  if (breakpoints > MAX_BREAKPOINTS) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      message: `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`,
    });
  }
  const outputFormat = isJsonObject(request.output_format) ? request.output_format : undefined;
  return {
    prompt: {
      model,
      messages,
      tools,
      toolChoice: parseToolChoice(request.tool_choice),
      responseFormat:
        outputFormat?.type === 'json_schema' && isJsonObject(outputFormat.schema)
          ? { type: 'json_schema', schema: outputFormat.schema }
          : { type: 'text' },
      maxOutputTokens: maxTokens,
      stopSequences: stopSequences(request.stop_sequences, 'stop_sequences'),
      seed: undefined,
    },
    stream: request.stream === true,
  };
}
