import type { Usage } from '../../spec/index.js';

/** Anthropic's usage object, plus the gateway's `cost_usd`. */
export interface AnthropicUsageBody {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  /** What the request cost, in USD, when the gateway knows (an extension; SDKs ignore unknown fields). */
  cost_usd?: number;
}

/**
 * Renders canonical usage the way Anthropic reports it: `input_tokens` counts only uncached input,
 * cache reads and writes are separate (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching).
 */
export function renderUsage(usage: Usage, costUsd: number | undefined): AnthropicUsageBody {
  const rendered: AnthropicUsageBody = {
    input_tokens: usage.uncachedInputTokens,
    cache_creation_input_tokens: usage.cacheWriteInputTokens,
    cache_read_input_tokens: usage.cacheReadInputTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: usage.cacheWriteInputTokens - usage.cacheWrite1hInputTokens,
      ephemeral_1h_input_tokens: usage.cacheWrite1hInputTokens,
    },
    output_tokens: usage.outputTokens,
  };
  if (costUsd !== undefined) rendered.cost_usd = costUsd;
  return rendered;
}
