import type { ChatRequest } from '../../spec/index.js';
import type { OpenAiQuirks } from './openai-quirks.js';

type TextContent = { type: 'text'; text: string };
type ImageContent = { type: 'image_url'; image_url: { url: string } };

/** One message of a Chat Completions request body, as this adapter writes it. */
export type OpenAiMessage =
  | { role: 'system'; content: string | TextContent[] }
  | { role: 'user'; content: string | (TextContent | ImageContent)[] }
  | {
      role: 'assistant';
      content: string | TextContent[] | null;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
      reasoning_content?: string;
    }
  | { role: 'tool'; tool_call_id: string; content: string | TextContent[] };

/** A Chat Completions request body, as this adapter writes it. */
export interface OpenAiChatBody {
  model: string;
  messages: OpenAiMessage[];
  stream: boolean;
  stream_options?: { include_usage: boolean };
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  top_k?: number;
  stop?: string[];
  seed?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  tools?: {
    type: 'function';
    function: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean };
  }[];
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  parallel_tool_calls?: boolean;
  response_format?:
    | { type: 'text' }
    | { type: 'json_object' }
    | {
        type: 'json_schema';
        json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };
      };
  reasoning_effort?: 'minimal' | 'low' | 'medium' | 'high';
  user?: string;
}

/** What the conversion needs besides the request. */
export interface ConvertRequestOptions {
  request: ChatRequest;
  /** The model name the provider knows. */
  upstreamModel: string;
  quirks: OpenAiQuirks;
  /** True for a streaming call (the request's own flag describes the client, not this call). */
  stream: boolean;
  /** Reports anything dropped or changed. */
  warn(message: string): void;
}

/** Text parts as a plain string when there is one, as parts when several (keeping their boundaries). */
function textContent(parts: { text: string }[]): string | TextContent[] {
  if (parts.length === 1) return parts[0]!.text;
  return parts.map((part) => ({ type: 'text', text: part.text }));
}

function convertMessages(options: ConvertRequestOptions): OpenAiMessage[] {
  const { quirks, warn } = options;
  const messages: OpenAiMessage[] = [];
  let droppedCacheControl = false;
  let droppedReasoning = false;
  let droppedErrorFlag = false;
  const noteCacheControl = (part: { cacheControl?: unknown }): void => {
    if (part.cacheControl) droppedCacheControl = true;
  };
  for (const message of options.request.messages) {
    switch (message.role) {
      case 'system': {
        message.content.forEach(noteCacheControl);
        messages.push({ role: 'system', content: textContent(message.content) });
        break;
      }
      case 'user': {
        message.content.forEach(noteCacheControl);
        const onlyText = message.content.every((part) => part.type === 'text');
        messages.push({
          role: 'user',
          content: onlyText
            ? textContent(message.content as TextContent[])
            : message.content.map((part) =>
                part.type === 'text'
                  ? { type: 'text' as const, text: part.text }
                  : { type: 'image_url' as const, image_url: { url: part.url } },
              ),
        });
        break;
      }
      case 'assistant': {
        const texts: TextContent[] = [];
        const reasoning: string[] = [];
        const toolCalls: NonNullable<Extract<OpenAiMessage, { role: 'assistant' }>['tool_calls']> = [];
        for (const part of message.content) {
          if (part.type === 'text') {
            noteCacheControl(part);
            texts.push({ type: 'text', text: part.text });
          } else if (part.type === 'reasoning') reasoning.push(part.text);
          else
            toolCalls.push({ id: part.id, type: 'function', function: { name: part.name, arguments: part.arguments } });
        }
        // Content may be null only beside tool calls: a turn that held nothing but reasoning (from an
        // Anthropic conversation) becomes an empty text, which OpenAI accepts.
        const converted: Extract<OpenAiMessage, { role: 'assistant' }> = {
          role: 'assistant',
          content: texts.length > 0 ? textContent(texts) : toolCalls.length > 0 ? null : '',
        };
        if (toolCalls.length > 0) converted.tool_calls = toolCalls;
        if (reasoning.length > 0) {
          if (quirks.replaysReasoningContent) converted.reasoning_content = reasoning.join('');
          else droppedReasoning = true;
        }
        messages.push(converted);
        break;
      }
      case 'tool': {
        // OpenAI wants one `tool` message per call result.
        for (const result of message.content) {
          result.content.forEach(noteCacheControl);
          if (result.isError) droppedErrorFlag = true;
          messages.push({
            role: 'tool',
            tool_call_id: result.toolCallId,
            content: result.content.length === 0 ? '' : textContent(result.content),
          });
        }
        break;
      }
      default: {
        const unreachable: never = message;
        throw new Error(`Unknown message role: ${JSON.stringify(unreachable)}`);
      }
    }
  }
  if (droppedCacheControl) {
    warn(`cache_control dropped: ${quirks.label} has no cache breakpoints (it caches prompt prefixes by itself).`);
  }
  if (droppedReasoning)
    warn(`reasoning from earlier assistant turns dropped: ${quirks.label} does not accept it as input.`);
  if (droppedErrorFlag) {
    warn(
      `tool result error flag dropped: ${quirks.label} tool messages cannot mark a failure; the result text is sent as is.`,
    );
  }
  return messages;
}

function convertResponseFormat(options: ConvertRequestOptions): OpenAiChatBody['response_format'] {
  const format = options.request.responseFormat;
  if (!format) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  if (!options.quirks.supportsJsonSchema) {
    options.warn(
      `response_format json_schema downgraded to json_object: ${options.quirks.label} does not support JSON schemas, so the schema is not enforced.`,
    );
    return { type: 'json_object' };
  }
  const jsonSchema: { name: string; schema: Record<string, unknown>; strict?: boolean; description?: string } = {
    name: format.name,
    schema: format.schema,
  };
  if (format.strict !== undefined) jsonSchema.strict = format.strict;
  if (format.description !== undefined) jsonSchema.description = format.description;
  return { type: 'json_schema', json_schema: jsonSchema };
}

/**
 * Converts a canonical ChatRequest into an OpenAI Chat Completions body for one server's quirks.
 * Anything the server cannot honour is dropped or downgraded through `warn`, never silently.
 */
export function convertRequest(options: ConvertRequestOptions): OpenAiChatBody {
  const { request, quirks, warn } = options;
  const body: OpenAiChatBody = {
    model: options.upstreamModel,
    messages: convertMessages(options),
    stream: options.stream,
  };
  if (options.stream && quirks.supportsStreamOptions) body.stream_options = { include_usage: true };
  if (request.maxOutputTokens !== undefined) body[quirks.maxTokensField] = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.topK !== undefined) {
    if (quirks.supportsTopK) body.top_k = request.topK;
    else warn(`top_k dropped: ${quirks.label} does not support it.`);
  }
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.presencePenalty !== undefined) body.presence_penalty = request.presencePenalty;
  if (request.frequencyPenalty !== undefined) body.frequency_penalty = request.frequencyPenalty;

  if (request.tools && request.tools.length > 0) {
    body.tools = request.tools.map((tool) => {
      const fn: { name: string; description?: string; parameters: Record<string, unknown>; strict?: boolean } = {
        name: tool.name,
        parameters: tool.parameters,
      };
      if (tool.description !== undefined) fn.description = tool.description;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: 'function' as const, function: fn };
    });
    // OpenAI answers 400 to parallel_tool_calls without tools, and it means nothing then, so it is
    // only sent alongside tools.
    if (request.parallelToolCalls !== undefined) {
      if (quirks.supportsParallelToolCalls) body.parallel_tool_calls = request.parallelToolCalls;
      else warn(`parallel_tool_calls dropped: ${quirks.label} does not support it.`);
    }
  }
  if (request.toolChoice) {
    if (body.tools) {
      body.tool_choice =
        request.toolChoice.type === 'tool'
          ? { type: 'function', function: { name: request.toolChoice.name } }
          : request.toolChoice.type;
    } else if (request.toolChoice.type === 'required' || request.toolChoice.type === 'tool') {
      // OpenAI answers 400 to tool_choice without tools; 'auto' and 'none' mean nothing then anyway.
      warn(`tool_choice dropped: it asks for a tool call but the request has no tools.`);
    }
  }
  const responseFormat = convertResponseFormat(options);
  if (responseFormat) body.response_format = responseFormat;

  if (request.reasoning) {
    const { effort, budgetTokens } = request.reasoning;
    if (effort !== undefined) {
      if (quirks.supportsReasoningEffort) body.reasoning_effort = effort;
      else warn(`reasoning effort dropped: ${quirks.label} does not support reasoning_effort.`);
    }
    if (budgetTokens !== undefined) {
      warn(
        `reasoning budget of ${budgetTokens} tokens dropped: ${quirks.label} takes an effort level, not a token budget.`,
      );
    }
  }
  if (request.user !== undefined) body.user = request.user;
  return body;
}
