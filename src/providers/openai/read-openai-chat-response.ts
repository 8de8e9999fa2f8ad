import { isInteger, isNullishString, isRecord, isString, type JsonRecord } from '../shared/json-checks.js';
import { isOpenAiMessage } from './is-openai-message.js';
import type { OpenAiChatResponse } from './openai-wire-schemas.js';
import { readOpenAiUsage } from './read-openai-usage.js';

/**
 * `openAiChatResponseSchema` without zod, for the hot path: the completion as the schema would return
 * it, or undefined when it does not pass, or when it takes a case the fast path leaves to zod (a
 * default to fill in below the top level); the caller then runs zod, which decides and words the error.
 */
export function readOpenAiChatResponse(value: unknown): OpenAiChatResponse | undefined {
  if (!isRecord(value)) return undefined;
  const { id, model, choices } = value;
  if (!(id === undefined || isString(id)) || !(model === undefined || isString(model))) return undefined;
  if (!Array.isArray(choices) || choices.length === 0 || !choices.every(isChoice)) return undefined;
  let usage: OpenAiChatResponse['usage'];
  if (value.usage !== undefined && value.usage !== null) {
    usage = readOpenAiUsage(value.usage);
    if (!usage) return undefined;
  }
  const response = value as OpenAiChatResponse;
  if (id !== undefined && model !== undefined && (value.usage == null || usage === value.usage)) return response;
  return {
    ...response,
    id: response.id ?? '',
    model: response.model ?? '',
    ...(usage === undefined ? {} : { usage }),
  };
}

function isChoice(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.index === undefined || isInteger(value.index)) &&
    isNullishString(value.finish_reason) &&
    isMessage(value.message)
  );
}

function isMessage(value: unknown): value is JsonRecord {
  return isOpenAiMessage(value, isToolCalls);
}

function isToolCalls(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every(isToolCall);
}

/** A tool call whose `arguments` is present (zod defaults a missing one to ''). */
function isToolCall(value: unknown): boolean {
  if (!isRecord(value) || !isString(value.id)) return false;
  if (!(value.type === undefined || value.type === 'function')) return false;
  const fn = value.function;
  return isRecord(fn) && isString(fn.name) && isString(fn.arguments);
}
