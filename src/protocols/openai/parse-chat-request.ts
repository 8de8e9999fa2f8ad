import type {
  AssistantMessage,
  ChatRequest,
  ImagePart,
  Message,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolResultPart,
} from '../../spec/index.js';
import { GatewayError } from '../../spec/index.js';
import { type ChatCompletionRequestBody, chatCompletionRequestSchema } from './chat-completion-request-schema.js';
import { formatValidationError } from './format-validation-error.js';
import { readChatCompletionRequest } from './read-chat-completion-request.js';

type RequestMessage = ChatCompletionRequestBody['messages'][number];

const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high'] as const;

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', message: `Invalid '${param}': ${message}.`, param });
}

function textParts(content: string | { text: string }[]): TextPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => ({ type: 'text', text: part.text }));
}

function convertMessage(message: RequestMessage, index: number): Message {
  const at = `messages[${index}]`;
  switch (message.role) {
    case 'system':
    case 'developer':
      // `developer` is the newer name of the same thing for OpenAI's reasoning models.
      return { role: 'system', content: textParts(message.content) };
    case 'user': {
      if (typeof message.content === 'string') return { role: 'user', content: textParts(message.content) };
      const content = message.content.map((part, partIndex): TextPart | ImagePart => {
        if (part.type === 'text') return { type: 'text', text: part.text };
        if (part.type === 'image_url') return { type: 'image', url: part.image_url.url };
        throw invalid(
          `${at}.content[${partIndex}].type`,
          `'${part.type}' content parts are not supported; send text or image_url parts`,
        );
      });
      return { role: 'user', content };
    }
    case 'assistant': {
      if (message.function_call != null) {
        throw invalid(`${at}.function_call`, 'the deprecated function_call is not supported; send tool_calls instead');
      }
      const content: AssistantMessage['content'] = [];
      if (message.reasoning_content) content.push({ type: 'reasoning', text: message.reasoning_content });
      if (typeof message.content === 'string') {
        content.push({ type: 'text', text: message.content });
      } else {
        for (const part of message.content ?? []) {
          content.push({ type: 'text', text: part.type === 'text' ? part.text : part.refusal });
        }
      }
      if (message.refusal && !content.some((part) => part.type === 'text')) {
        content.push({ type: 'text', text: message.refusal });
      }
      for (const call of message.tool_calls ?? []) {
        content.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
      if (content.length === 0) {
        throw invalid(`${at}.content`, 'an assistant message needs content or tool_calls');
      }
      return { role: 'assistant', content };
    }
    case 'tool':
      return {
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: message.tool_call_id, content: textParts(message.content) }],
      };
    case 'function':
      throw invalid(
        `${at}.role`,
        "the deprecated 'function' role is not supported; send role 'tool' with tool_call_id",
      );
    default: {
      const unreachable: never = message;
      throw new Error(`Unknown role ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Consecutive tool messages are one turn of results; the canonical shape keeps them together. */
function convertMessages(messages: RequestMessage[]): Message[] {
  const result: Message[] = [];
  messages.forEach((message, index) => {
    const converted = convertMessage(message, index);
    const previous = result.at(-1);
    if (converted.role === 'tool' && previous?.role === 'tool') {
      previous.content.push(...(converted.content as ToolResultPart[]));
    } else {
      result.push(converted);
    }
  });
  return result;
}

/** Refuses what the gateway cannot do, by name, instead of quietly doing something else. */
function refuseUnsupported(body: ChatCompletionRequestBody): void {
  if (body.n != null && body.n !== 1) throw invalid('n', 'only n = 1 is supported');
  if (body.functions != null)
    throw invalid('functions', 'the deprecated functions parameter is not supported; send tools');
  if (body.function_call != null) {
    throw invalid('function_call', 'the deprecated function_call parameter is not supported; send tool_choice');
  }
  if (body.logprobs === true) throw invalid('logprobs', 'log probabilities are not supported');
  if (body.top_logprobs != null) throw invalid('top_logprobs', 'log probabilities are not supported');
  if (body.logit_bias != null && Object.keys(body.logit_bias).length > 0) {
    throw invalid('logit_bias', 'logit_bias is not supported');
  }
  if (body.modalities != null && body.modalities.some((modality) => modality !== 'text')) {
    throw invalid('modalities', "only the 'text' modality is supported");
  }
  if (body.audio != null) throw invalid('audio', 'audio output is not supported');
  if (body.prediction != null) throw invalid('prediction', 'predicted outputs are not supported');
  if (body.web_search_options != null) throw invalid('web_search_options', 'web search is not supported');
}

function convertTools(body: ChatCompletionRequestBody): ChatRequest['tools'] {
  if (!body.tools || body.tools.length === 0) return undefined;
  return body.tools.map((tool, index) => {
    if (tool.type !== 'function') throw invalid(`tools[${index}].type`, "only tools of type 'function' are supported");
    const definition: NonNullable<ChatRequest['tools']>[number] = {
      name: tool.function.name,
      // A function without parameters takes none: the spec's default.
      parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    };
    if (tool.function.description != null) definition.description = tool.function.description;
    if (tool.function.strict != null) definition.strict = tool.function.strict;
    return definition;
  });
}

function convertToolChoice(body: ChatCompletionRequestBody, tools: ChatRequest['tools']): ToolChoice | undefined {
  const choice = body.tool_choice;
  if (choice == null) return undefined;
  if (typeof choice === 'string') return { type: choice };
  if (choice.type !== 'function')
    throw invalid('tool_choice.type', `tool_choice of type '${choice.type}' is not supported`);
  const name = choice.function.name;
  if (!tools?.some((tool) => tool.name === name)) {
    throw invalid('tool_choice.function.name', `no tool named '${name}' is in tools`);
  }
  return { type: 'tool', name };
}

function convertResponseFormat(body: ChatCompletionRequestBody): ResponseFormat | undefined {
  const format = body.response_format;
  if (format == null) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const converted: ResponseFormat = {
    type: 'json_schema',
    name: format.json_schema.name,
    schema: format.json_schema.schema ?? {},
  };
  if (format.json_schema.strict != null) converted.strict = format.json_schema.strict;
  if (format.json_schema.description != null) converted.description = format.json_schema.description;
  return converted;
}

function parseWithZod(input: unknown): ChatCompletionRequestBody {
  const parsed = chatCompletionRequestSchema.safeParse(input);
  if (!parsed.success) throw formatValidationError(parsed.error);
  return parsed.data;
}

/**
 * Validates an OpenAI Chat Completions body and converts it to the gateway's ChatRequest. Throws an
 * `invalid_request` GatewayError whose `param` is the JSON path at fault (e.g. `messages[2].content`)
 * and whose message says what was expected.
 */
export function parseChatRequest(input: unknown): ChatRequest {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new GatewayError({ code: 'invalid_request', message: 'The request body must be a JSON object.' });
  }
  // The hand-written check passes well-formed bodies without zod's cost; zod decides and words the rest.
  const body = readChatCompletionRequest(input as Record<string, unknown>) ?? parseWithZod(input);
  refuseUnsupported(body);

  const tools = convertTools(body);
  const request: ChatRequest = {
    model: body.model,
    messages: convertMessages(body.messages),
    stream: body.stream === true,
  };
  if (request.stream && body.stream_options?.include_usage === true) request.includeStreamUsage = true;
  // max_completion_tokens replaced max_tokens; when a client sends both, the newer one is meant.
  const maxOutputTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxOutputTokens != null) request.maxOutputTokens = maxOutputTokens;
  if (body.temperature != null) request.temperature = body.temperature;
  if (body.top_p != null) request.topP = body.top_p;
  if (body.top_k != null) request.topK = body.top_k;
  if (body.stop != null) {
    const stop = typeof body.stop === 'string' ? [body.stop] : body.stop;
    if (stop.length > 0) request.stopSequences = stop;
  }
  if (body.seed != null) request.seed = body.seed;
  if (body.presence_penalty != null) request.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) request.frequencyPenalty = body.frequency_penalty;
  if (tools) request.tools = tools;
  const toolChoice = convertToolChoice(body, tools);
  if (toolChoice) request.toolChoice = toolChoice;
  if (body.parallel_tool_calls != null) request.parallelToolCalls = body.parallel_tool_calls;
  const responseFormat = convertResponseFormat(body);
  if (responseFormat) request.responseFormat = responseFormat;
  if (body.reasoning_effort != null) {
    const effort = REASONING_EFFORTS.find((candidate) => candidate === body.reasoning_effort);
    if (!effort) throw invalid('reasoning_effort', `expected one of ${REASONING_EFFORTS.join(', ')}`);
    request.reasoning = { effort };
  }
  // safety_identifier is the newer name of `user` (an end-user id for abuse monitoring).
  const user = body.user ?? body.safety_identifier;
  if (user != null) request.user = user;
  return request;
}
