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
import type { PromptBlock, PromptMessage, PromptTool, SimulatedPrompt } from './simulated-prompt.js';

/** An OpenAI Chat Completions request, as the simulator understands it. */
export interface OpenAiChatRequest {
  prompt: SimulatedPrompt;
  stream: boolean;
  /** `stream_options.include_usage`: a usage chunk before `[DONE]`. */
  includeUsage: boolean;
}

/** Tokens OpenAI bills for a low-detail image; the simulator uses it for every image. */
const IMAGE_TOKENS = 85;
const ROLES: Record<string, PromptMessage['role']> = {
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'tool',
  function: 'tool',
};

function contentBlocks(content: unknown, param: string): PromptBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) throw invalidType(param, 'a string or an array of content parts', content);
  return content.map((part, index): PromptBlock => {
    if (!isJsonObject(part)) throw invalidType(`${param}[${index}]`, 'an object', part);
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') throw invalidType(`${param}[${index}].text`, 'a string', part.text);
        return { text: part.text };
      case 'refusal':
        return { text: typeof part.refusal === 'string' ? part.refusal : '' };
      case 'image_url': {
        const url = isJsonObject(part.image_url) ? part.image_url.url : undefined;
        return { text: typeof url === 'string' ? url.slice(0, 256) : '', extraTokens: IMAGE_TOKENS };
      }
      default:
        return { text: JSON.stringify(part), extraTokens: IMAGE_TOKENS };
    }
  });
}

function parseMessage(message: unknown, index: number): PromptMessage {
  const param = `messages[${index}]`;
  if (!isJsonObject(message)) throw invalidType(param, 'an object', message);
  const role = ROLES[String(message.role)];
  if (!role) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: `${param}.role`,
      message: `Invalid value: '${String(message.role)}'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool'.`,
    });
  }
  const blocks = contentBlocks(message.content, `${param}.content`);
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const fn = isJsonObject(call) && isJsonObject(call.function) ? call.function : {};
      blocks.push({ text: `${String(fn.name ?? '')}(${String(fn.arguments ?? '')})` });
    }
  }
  return { role, blocks };
}

function parseTools(value: unknown): PromptTool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidType('tools', 'an array', value);
  return value.map((tool, index) => {
    const fn = isJsonObject(tool) ? tool.function : undefined;
    if (!isJsonObject(fn) || typeof fn.name !== 'string') {
      throw new SimulatedRequestError({
        kind: 'invalid_request',
        param: `tools[${index}].function.name`,
        message: `Missing required parameter: 'tools[${index}].function.name'.`,
      });
    }
    return {
      name: fn.name,
      description: typeof fn.description === 'string' ? fn.description : '',
      parameters: isJsonObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
    };
  });
}

function parseToolChoice(value: unknown): SimulatedPrompt['toolChoice'] {
  if (value === undefined || value === null || value === 'auto') return { type: 'auto' };
  if (value === 'none') return { type: 'none' };
  if (value === 'required') return { type: 'required' };
  if (isJsonObject(value) && isJsonObject(value.function) && typeof value.function.name === 'string') {
    return { type: 'tool', name: value.function.name };
  }
  throw invalidType('tool_choice', "'none', 'auto', 'required' or a named function", value);
}

function parseResponseFormat(value: unknown, messages: PromptMessage[]): SimulatedPrompt['responseFormat'] {
  if (value === undefined || value === null) return { type: 'text' };
  if (!isJsonObject(value)) throw invalidType('response_format', 'an object', value);
  if (value.type === 'text') return { type: 'text' };
  if (value.type === 'json_object') {
    const mentionsJson = messages.some((message) => message.blocks.some((block) => /json/i.test(block.text)));
    if (!mentionsJson) {
      throw new SimulatedRequestError({
        kind: 'invalid_request',
        param: 'messages',
        message:
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      });
    }
    return { type: 'json' };
  }
  if (value.type === 'json_schema') {
    const schema = isJsonObject(value.json_schema) ? value.json_schema.schema : undefined;
    return { type: 'json_schema', schema: isJsonObject(schema) ? schema : {} };
  }
  throw invalidType('response_format.type', "'text', 'json_object' or 'json_schema'", value.type);
}

function toolsMessage(tools: PromptTool[]): PromptMessage[] {
  if (tools.length === 0) return [];
  return [{ role: 'tools', blocks: tools.map((tool) => ({ text: JSON.stringify(tool) })) }];
}

/** Parses and validates a `POST /v1/chat/completions` body. Throws SimulatedRequestError. */
export function parseOpenAiChatRequest(body: string | undefined): OpenAiChatRequest {
  const request: JsonObject = parseJsonObject(body);
  const model = requireString(request, 'model');
  if (request.messages === undefined) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: 'messages',
      message: "Missing required parameter: 'messages'.",
    });
  }
  if (!Array.isArray(request.messages)) throw invalidType('messages', 'an array', request.messages);
  if (request.messages.length === 0) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: 'messages',
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    });
  }
  if (request.n !== undefined && request.n !== null && request.n !== 1) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: 'n',
      message: 'The simulated provider supports only n = 1.',
    });
  }
  const messages = request.messages.map(parseMessage);
  const tools = parseTools(request.tools);
  const streamOptions = isJsonObject(request.stream_options) ? request.stream_options : {};
  const seed = request.seed;
  return {
    prompt: {
      model,
      messages: [...toolsMessage(tools), ...messages],
      tools,
      toolChoice: parseToolChoice(request.tool_choice),
      responseFormat: parseResponseFormat(request.response_format, messages),
      maxOutputTokens:
        optionalPositiveInteger(request, 'max_completion_tokens') ?? optionalPositiveInteger(request, 'max_tokens'),
      stopSequences: stopSequences(request.stop, 'stop'),
      seed: typeof seed === 'number' && Number.isFinite(seed) ? seed : undefined,
    },
    stream: request.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}
