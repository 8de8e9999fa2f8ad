import { type ChatResponse, GatewayError, type Usage } from '../../spec/index.js';
import type { EndpointRef } from './describe-endpoint.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import { type OpenAiChatResponse, openAiChatResponseSchema } from './openai-wire-schemas.js';
import { readOpenAiChatResponse } from './read-openai-chat-response.js';

/** A converted answer whose usage may be missing (a server that reports none); the adapter then counts it. */
export type ConvertedResponse = Omit<ChatResponse, 'usage'> & { usage: Usage | undefined };

/**
 * Validates an OpenAI `chat.completion` body and converts it. Throws `upstream_malformed` when the
 * body does not have the documented shape.
 */
export function convertResponse(options: { body: unknown; endpoint: EndpointRef }): ConvertedResponse {
  // The hand-written check passes well-formed bodies without zod's cost; zod decides the rest.
  const body = readOpenAiChatResponse(options.body) ?? parseWithZod(options);
  // The gateway never asks for n > 1, so the first choice is the answer.
  const choice = body.choices[0]!;
  const content: ChatResponse['content'] = [];
  const reasoning = choice.message.reasoning_content ?? choice.message.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (choice.message.content) content.push({ type: 'text', text: choice.message.content });
  // A structured-outputs refusal has no place of its own in the spec; it is the answer the user sees.
  else if (choice.message.refusal) content.push({ type: 'text', text: choice.message.refusal });
  for (const call of choice.message.tool_calls ?? []) {
    content.push({ type: 'tool-call', id: call.id, name: call.function.name, arguments: call.function.arguments });
  }
  return {
    id: body.id,
    model: body.model,
    content,
    finishReason: mapFinishReason(choice.finish_reason),
    usage: body.usage ? mapUsage(body.usage) : undefined,
  };
}

function parseWithZod(options: { body: unknown; endpoint: EndpointRef }): OpenAiChatResponse {
  const parsed = openAiChatResponseSchema.safeParse(options.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  throw new GatewayError({
    code: 'upstream_malformed',
    message: `${options.endpoint.label} sent a chat completion that does not match the OpenAI schema${where}: ${issue?.message ?? 'invalid'}.`,
    endpoint: options.endpoint.name,
    cause: parsed.error,
  });
}
