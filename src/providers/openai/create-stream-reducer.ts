import { type FinishReason, GatewayError, type StreamPart } from '../../spec/index.js';
import type { StreamEventReducer } from '../shared/create-provider-stream.js';
import type { SseEvent } from '../shared/parse-sse.js';
import type { EndpointRef } from './describe-endpoint.js';
import { mapError } from './map-error.js';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';
import { type OpenAiChunk, openAiChunkSchema } from './openai-wire-schemas.js';
import { readOpenAiChunk } from './read-openai-chunk.js';

/**
 * The reducer for an OpenAI `chat.completion.chunk` stream.
 *
 * OpenAI sends `finish_reason` BEFORE the usage chunk (`choices: []`, then `[DONE]`), while a
 * `finish` part must be the last part of a stream. So the finish is held until `[DONE]` or the end
 * of the body, and usage is emitted as soon as any chunk carries it (OpenAI's trailing chunk, or a
 * chunk that still has choices, as DeepSeek and llama.cpp send it). A body that ends with neither a
 * finish reason nor `[DONE]` yields nothing at the end, which the shared stream turns into `stream_cut`.
 */
export function createStreamReducer(options: {
  /** The endpoint, as named in errors. */
  endpoint: EndpointRef;
  /** Values that must never appear in a message (the API key). */
  secrets?: (string | undefined)[];
}): StreamEventReducer {
  let started = false;
  let pendingFinish: FinishReason | undefined;
  // Tool calls by the provider's index: some servers omit the index and identify calls by id only.
  const toolIndexById = new Map<string, number>();
  const toolCallsStarted = new Set<number>();
  let nextToolIndex = 0;

  const malformed = (detail: string, cause?: unknown): GatewayError =>
    new GatewayError({
      code: 'upstream_malformed',
      message: `${options.endpoint.label} sent a stream event that is not a valid chat.completion.chunk: ${detail}.`,
      endpoint: options.endpoint.name,
      cause,
    });

  const parseWithZod = (json: unknown): OpenAiChunk => {
    const parsed = openAiChunkSchema.safeParse(json);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0];
    throw malformed(`${issue?.path.join('.') || 'chunk'}: ${issue?.message ?? 'invalid'}`, parsed.error);
  };

  const finishNow = (fallback: FinishReason): StreamPart[] => [
    { type: 'finish', finishReason: pendingFinish ?? fallback },
  ];

  return {
    onEvent(event: SseEvent): StreamPart[] {
      const data = event.data.trim();
      // `[DONE]` is a clean end even without a finish reason (some servers never send one).
      if (data === '[DONE]') {
        if (!started) throw malformed('the stream ended with [DONE] before any chunk');
        return finishNow('other');
      }
      if (data === '') return [];
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch (error) {
        throw malformed('not valid JSON', error);
      }
      if (json !== null && typeof json === 'object' && 'error' in json) {
        throw mapError({ status: undefined, body: json, endpoint: options.endpoint, secrets: options.secrets });
      }
      // The hand-written check passes well-formed chunks without zod's cost; zod decides the rest.
      const chunk = readOpenAiChunk(json) ?? parseWithZod(json);
      const parts: StreamPart[] = [];
      if (!started) {
        started = true;
        parts.push({ type: 'start', id: chunk.id, model: chunk.model });
      }
      // The gateway never asks for n > 1, so only choice 0 is the answer.
      const choice = chunk.choices.find((candidate) => candidate.index === 0);
      if (choice) {
        const delta = choice.delta;
        const reasoning = delta?.reasoning_content ?? delta?.reasoning;
        if (reasoning) parts.push({ type: 'reasoning-delta', text: reasoning });
        if (delta?.content) parts.push({ type: 'text-delta', text: delta.content });
        // A structured-outputs refusal has no part of its own: it is the text the user sees.
        if (delta?.refusal) parts.push({ type: 'text-delta', text: delta.refusal });
        for (const call of delta?.tool_calls ?? []) {
          let index = call.index;
          if (index === undefined) {
            index = (call.id ? toolIndexById.get(call.id) : undefined) ?? (call.id ? nextToolIndex : nextToolIndex - 1);
          }
          if (call.id && !toolIndexById.has(call.id)) toolIndexById.set(call.id, index);
          nextToolIndex = Math.max(nextToolIndex, index + 1);
          const part: StreamPart = { type: 'tool-call-delta', index, argumentsDelta: call.function?.arguments ?? '' };
          // Only the first delta of a call carries id and name, even if a server repeats them.
          if (!toolCallsStarted.has(index)) {
            if (!call.id || !call.function?.name) throw malformed(`tool call ${index} starts without an id and a name`);
            toolCallsStarted.add(index);
            part.id = call.id;
            part.name = call.function.name;
          }
          parts.push(part);
        }
        if (choice.finish_reason) pendingFinish = mapFinishReason(choice.finish_reason);
      }
      const usage = chunk.usage ?? chunk.x_groq?.usage;
      if (usage) parts.push({ type: 'usage', usage: mapUsage(usage) });
      return parts;
    },
    onEnd(): StreamPart[] {
      return pendingFinish === undefined ? [] : finishNow(pendingFinish);
    },
  };
}
