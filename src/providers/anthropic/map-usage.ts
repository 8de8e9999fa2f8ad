import type { Usage } from '../../spec/index.js';
import type { AnthropicUsage } from './anthropic-usage-schema.js';

/**
 * Maps Anthropic usage to the canonical five kinds. Unlike OpenAI, Anthropic's `input_tokens`
 * EXCLUDES cache reads and writes: total input = input + cache_creation + cache_read
 * (https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance).
 * `output_tokens` already includes thinking.
 */
export function mapUsage(usage: AnthropicUsage): Usage {
  const byTtl = usage.cache_creation;
  const write1h = byTtl?.ephemeral_1h_input_tokens ?? 0;
  const cacheWrite =
    usage.cache_creation_input_tokens ?? (byTtl ? (byTtl.ephemeral_5m_input_tokens ?? 0) + write1h : 0);
  return {
    uncachedInputTokens: usage.input_tokens ?? 0,
    cacheReadInputTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteInputTokens: cacheWrite,
    cacheWrite1hInputTokens: Math.min(write1h, cacheWrite),
    outputTokens: usage.output_tokens,
    reasoningTokens: usage.output_tokens_details?.thinking_tokens ?? 0,
    source: 'reported',
  };
}
