import { totalInputTokens, type Usage } from '../../spec/index.js';

/** `CompletionUsage` as the gateway renders it, with the request's cost when known. */
export interface OpenAiUsageBody {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details: { reasoning_tokens: number };
  /** Tollgate's addition: what this request cost, in USD. Clients ignore unknown fields. */
  cost_usd?: number;
}

/**
 * Renders usage the way OpenAI counts it: `prompt_tokens` includes every input token, cached or
 * not, and `completion_tokens` includes reasoning, with the details broken out.
 */
export function renderUsage(usage: Usage, costUsd: number | undefined): OpenAiUsageBody {
  const promptTokens = totalInputTokens(usage);
  const rendered: OpenAiUsageBody = {
    prompt_tokens: promptTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: promptTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
  // The spec's own field for prefix-cache writes (Anthropic models behind the gateway report them).
  if (usage.cacheWriteInputTokens > 0) rendered.prompt_tokens_details.cache_write_tokens = usage.cacheWriteInputTokens;
  if (costUsd !== undefined) rendered.cost_usd = costUsd;
  return rendered;
}
