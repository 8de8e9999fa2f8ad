/**
 * Token usage normalised across providers into five kinds.
 *
 * Every provider reports usage differently (OpenAI counts cached tokens inside `prompt_tokens`,
 * Anthropic reports cache reads and writes beside `input_tokens`, DeepSeek splits hit and miss);
 * adapters map what they receive into this one shape so that cost is computed in one place.
 */
export interface Usage {
  /** Input tokens billed at the full input price (neither read from nor written to a prefix cache). */
  uncachedInputTokens: number;
  /** Input tokens read from the provider's prefix cache (billed at the cache-read price). */
  cacheReadInputTokens: number;
  /** Input tokens written to the provider's prefix cache (billed at the cache-write price), all TTLs. */
  cacheWriteInputTokens: number;
  /** Of `cacheWriteInputTokens`, those written with a one-hour TTL (priced higher by Anthropic). */
  cacheWrite1hInputTokens: number;
  /** Output tokens, reasoning included (providers bill reasoning as output). */
  outputTokens: number;
  /** Of `outputTokens`, those spent on hidden reasoning. */
  reasoningTokens: number;
  /** `reported` when the provider said so; `counted` when the gateway counted with a tokenizer (e.g. a cut stream). */
  source: 'reported' | 'counted';
}

/** All input tokens of a usage record, whatever their cache state. */
export function totalInputTokens(usage: Usage): number {
  return usage.uncachedInputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens;
}

/** A usage record with every count at zero. */
export function emptyUsage(source: Usage['source'] = 'reported'): Usage {
  return {
    uncachedInputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    source,
  };
}
