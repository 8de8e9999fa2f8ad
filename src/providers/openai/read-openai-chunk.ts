import {
  isCount,
  isInteger,
  isNullishOr,
  isNullishString,
  isRecord,
  isString,
  type JsonRecord,
} from '../shared/json-checks.js';
import { isOpenAiMessage } from './is-openai-message.js';
import type { OpenAiChunk } from './openai-wire-schemas.js';
import { readOpenAiUsage } from './read-openai-usage.js';

/**
 * `openAiChunkSchema` without zod: a stream sends a dozen chunks per answer, and a zod parse of each
 * cost more than everything else the gateway does with it. Returns the chunk as the schema would
 * (defaults filled in), or undefined when it does not pass, or when it takes a case the fast path
 * leaves to zod; the caller then runs zod, which decides and words the error.
 */
export function readOpenAiChunk(value: unknown): OpenAiChunk | undefined {
  if (!isRecord(value)) return undefined;
  const { id, model, choices } = value;
  if (!(id === undefined || isString(id)) || !(model === undefined || isString(model))) return undefined;
  if (!(choices === undefined || (Array.isArray(choices) && choices.every(isChoice)))) return undefined;
  let usage: OpenAiChunk['usage'];
  if (value.usage !== undefined && value.usage !== null) {
    usage = readOpenAiUsage(value.usage);
    if (!usage) return undefined;
  }
  const groq = value.x_groq;
  let groqUsage: OpenAiChunk['usage'];
  if (groq !== undefined && groq !== null) {
    if (!isRecord(groq)) return undefined;
    if (groq.usage !== undefined && groq.usage !== null) {
      groqUsage = readOpenAiUsage(groq.usage);
      if (!groqUsage) return undefined;
    }
  }
  const chunk = value as OpenAiChunk;
  const complete =
    id !== undefined &&
    model !== undefined &&
    choices !== undefined &&
    (value.usage == null || usage === value.usage) &&
    (groq == null || groq.usage == null || groqUsage === groq.usage);
  if (complete) return chunk;
  return {
    ...chunk,
    id: chunk.id ?? '',
    model: chunk.model ?? '',
    choices: chunk.choices ?? [],
    ...(usage === undefined ? {} : { usage }),
    ...(groqUsage === undefined ? {} : { x_groq: { ...(groq as JsonRecord), usage: groqUsage } }),
  };
}

/** A choice with its index present (a choice without one is defaulted by zod). */
function isChoice(value: unknown): boolean {
  return (
    isRecord(value) &&
    isInteger(value.index) &&
    isNullishString(value.finish_reason) &&
    isNullishOr(value.delta, isDelta)
  );
}

function isDelta(value: unknown): value is JsonRecord {
  return isOpenAiMessage(value, isToolCallDeltas);
}

function isToolCallDeltas(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.every(isToolCallDelta);
}

function isToolCallDelta(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.index === undefined || isCount(value.index)) &&
    isNullishString(value.id) &&
    isNullishOr(value.function, isFunctionDelta)
  );
}

function isFunctionDelta(value: unknown): value is JsonRecord {
  return isRecord(value) && isNullishString(value.name) && isNullishString(value.arguments);
}
