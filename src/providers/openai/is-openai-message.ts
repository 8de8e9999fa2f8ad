import { isNullishOr, isNullishString, isRecord, type JsonRecord } from '../shared/json-checks.js';

/**
 * A completion's `message` or a chunk's `delta` as the wire schemas accept it: the text fields
 * nullable strings and `tool_calls` as the given check says (whole calls in a message, deltas in a chunk).
 */
export function isOpenAiMessage(
  value: unknown,
  isToolCalls: (toolCalls: unknown) => toolCalls is unknown[],
): value is JsonRecord {
  return (
    isRecord(value) &&
    isNullishString(value.content) &&
    isNullishString(value.refusal) &&
    isNullishString(value.reasoning_content) &&
    isNullishString(value.reasoning) &&
    isNullishOr(value.tool_calls, isToolCalls)
  );
}
