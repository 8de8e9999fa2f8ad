import { isCount, isNullishOr, isNumber, isRecord, type JsonRecord } from '../shared/json-checks.js';
import type { OpenAiUsage } from './openai-wire-schemas.js';

/**
 * `openAiUsageSchema` without zod, for the hot path: the usage object as that schema would return
 * it (`completion_tokens` defaulted to 0), or undefined when it does not pass (or when telling needs
 * zod), so that the caller lets zod decide and word the error.
 */
export function readOpenAiUsage(value: unknown): OpenAiUsage | undefined {
  if (!isRecord(value)) return undefined;
  if (
    !isCount(value.prompt_tokens) ||
    !(value.completion_tokens === undefined || isCount(value.completion_tokens)) ||
    !isNullishOr(value.total_tokens, isCount) ||
    !isNullishOr(value.prompt_cache_hit_tokens, isCount) ||
    !isNullishOr(value.prompt_cache_miss_tokens, isCount) ||
    !isNullishOr(value.cost, isNumber) ||
    !isNullishOr(value.prompt_tokens_details, isPromptDetails) ||
    !isNullishOr(value.completion_tokens_details, isCompletionDetails)
  ) {
    return undefined;
  }
  const usage = value as OpenAiUsage;
  return value.completion_tokens === undefined ? { ...usage, completion_tokens: 0 } : usage;
}

function isPromptDetails(value: unknown): value is JsonRecord {
  return isRecord(value) && isNullishOr(value.cached_tokens, isCount) && isNullishOr(value.cache_write_tokens, isCount);
}

function isCompletionDetails(value: unknown): value is JsonRecord {
  return isRecord(value) && isNullishOr(value.reasoning_tokens, isCount);
}
