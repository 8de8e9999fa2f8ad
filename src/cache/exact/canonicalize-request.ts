import type { ChatRequest, Message } from '../../spec/index.js';

/** The settings that change how a model samples its answer, normalised. */
export interface CanonicalSampling {
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  /** Sorted and without duplicates: a set, whatever order the client listed it in. */
  stopSequences?: string[];
  presencePenalty?: number;
  frequencyPenalty?: number;
  maxOutputTokens?: number;
  reasoning?: { effort?: string; budgetTokens?: number };
  responseFormat?: ChatRequest['responseFormat'];
}

/** What determines a model's answer to a request, with everything else left out. */
export interface CanonicalRequest {
  /** The model, tier or alias the client asked for. */
  model: string;
  messages: unknown[];
  tools?: unknown[];
  toolChoice?: ChatRequest['toolChoice'];
  parallelToolCalls?: boolean;
  sampling: CanonicalSampling;
}

/** Tool-call arguments are JSON text: `{"a":1,"b":2}` and `{"b":2, "a":1}` are the same call. */
function canonicalArguments(text: string): unknown {
  try {
    return { json: JSON.parse(text) as unknown };
  } catch {
    return { raw: text };
  }
}

function canonicalMessages(messages: readonly Message[]): unknown[] {
  // Tool-call ids are random per provider response; what matters is which result answers which call.
  const callIds = new Map<string, string>();
  const callId = (id: string): string => {
    let renamed = callIds.get(id);
    if (renamed === undefined) {
      renamed = `call_${callIds.size}`;
      callIds.set(id, renamed);
    }
    return renamed;
  };
  return messages.map((message) => {
    switch (message.role) {
      case 'system':
        return { role: 'system', content: message.content.filter((part) => part.text !== '').map((part) => part.text) };
      case 'user':
        return {
          role: 'user',
          content: message.content.flatMap((part): unknown[] => {
            if (part.type === 'text') return part.text === '' ? [] : [{ text: part.text }];
            return [{ image: part.url, mediaType: part.mediaType }];
          }),
        };
      case 'assistant':
        return {
          role: 'assistant',
          content: message.content.flatMap((part): unknown[] => {
            switch (part.type) {
              case 'text':
                return part.text === '' ? [] : [{ text: part.text }];
              case 'reasoning':
                return [{ reasoning: part.text }];
              case 'tool-call':
                return [{ call: callId(part.id), name: part.name, arguments: canonicalArguments(part.arguments) }];
              default: {
                const unreachable: never = part;
                return [unreachable];
              }
            }
          }),
        };
      case 'tool':
        return {
          role: 'tool',
          content: message.content.map((part) => ({
            result: callId(part.toolCallId),
            content: part.content.filter((text) => text.text !== '').map((text) => text.text),
            isError: part.isError === true,
          })),
        };
      default: {
        const unreachable: never = message;
        return unreachable;
      }
    }
  });
}

/**
 * Reduces a chat request to what determines its answer: the requested model, the messages (text,
 * images, tool calls and results; not provider cache markers, reasoning signatures or random
 * tool-call ids), tools, tool choice, response format and sampling settings. Transport details
 * (`stream`, `includeStreamUsage`) and attribution (`user`) are left out: they do not change the
 * answer. Serialise the result with `canonicalJson` for a key that ignores key order.
 */
export function canonicalizeRequest(request: ChatRequest): CanonicalRequest {
  const stopSequences = request.stopSequences?.length ? [...new Set(request.stopSequences)].sort() : undefined;
  const tools = request.tools?.length
    ? request.tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? '',
        parameters: tool.parameters,
        strict: tool.strict === true,
      }))
    : undefined;
  return {
    model: request.model,
    messages: canonicalMessages(request.messages),
    tools,
    toolChoice: tools === undefined ? undefined : request.toolChoice,
    parallelToolCalls: tools === undefined ? undefined : request.parallelToolCalls,
    sampling: {
      temperature: request.temperature,
      topP: request.topP,
      topK: request.topK,
      seed: request.seed,
      stopSequences,
      presencePenalty: request.presencePenalty,
      frequencyPenalty: request.frequencyPenalty,
      maxOutputTokens: request.maxOutputTokens,
      reasoning: request.reasoning,
      responseFormat: request.responseFormat?.type === 'text' ? undefined : request.responseFormat,
    },
  };
}
