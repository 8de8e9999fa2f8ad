import type { Usage } from '../../spec/index.js';
import type { OpenAiUsage } from './openai-wire-schemas.js';

/**
 * Maps any OpenAI-style usage object into the five token kinds. One function for every dialect,
 * reading each provider's extra fields where present:
 * - OpenAI counts cached tokens INSIDE `prompt_tokens` (`prompt_tokens_details.cached_tokens`), and
 *   reasoning tokens inside `completion_tokens` (`completion_tokens_details.reasoning_tokens`).
 * - DeepSeek splits the prompt into `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens`
 *   (https://api-docs.deepseek.com/guides/kv_cache); when both are there they are the truth.
 * - OpenRouter adds `prompt_tokens_details.cache_write_tokens` (Anthropic models behind it), also
 *   inside `prompt_tokens` (https://openrouter.ai/docs/use-cases/usage-accounting), and `cost`,
 *   which the gateway does not use: cost is computed from the price catalogue in one place.
 */
export function mapUsage(raw: OpenAiUsage): Usage {
  const promptTokens = raw.prompt_tokens;
  const outputTokens = raw.completion_tokens;
  const reasoningTokens = Math.min(raw.completion_tokens_details?.reasoning_tokens ?? 0, outputTokens);
  const cacheWrite = raw.prompt_tokens_details?.cache_write_tokens ?? 0;

  const hit = raw.prompt_cache_hit_tokens;
  const miss = raw.prompt_cache_miss_tokens;
  if (hit != null && miss != null) {
    return {
      uncachedInputTokens: miss,
      cacheReadInputTokens: hit,
      cacheWriteInputTokens: 0,
      cacheWrite1hInputTokens: 0,
      outputTokens,
      reasoningTokens,
      source: 'reported',
    };
  }

  const cacheRead = hit ?? raw.prompt_tokens_details?.cached_tokens ?? 0;
  // Clamp so that a server reporting details larger than the total cannot produce negative tokens.
  const cacheReadClamped = Math.min(cacheRead, promptTokens);
  const cacheWriteClamped = Math.min(cacheWrite, promptTokens - cacheReadClamped);
  return {
    uncachedInputTokens: promptTokens - cacheReadClamped - cacheWriteClamped,
    cacheReadInputTokens: cacheReadClamped,
    cacheWriteInputTokens: cacheWriteClamped,
    cacheWrite1hInputTokens: 0,
    outputTokens,
    reasoningTokens,
    source: 'reported',
  };
}
