/**
 * Prices of a long-context tier: they replace the normal prices for the whole request once its
 * total input (uncached + cache read + cache write) exceeds `thresholdTokens`, as Anthropic, Gemini
 * and OpenAI bill it. A cache price left out scales with the input price (see `computeCost`).
 */
export interface LongContextPrice {
  /** Total input tokens above which the tier applies. */
  thresholdTokens: number;
  /** USD per uncached input token. */
  input: number;
  /** USD per output token. */
  output: number;
  /** USD per cache-read input token. */
  cacheRead?: number;
  /** USD per cache-write input token (5-minute TTL). */
  cacheWrite?: number;
  /** USD per cache-write input token (1-hour TTL). */
  cacheWrite1h?: number;
}

/**
 * What one model costs, in USD per token, fully resolved: every token kind has a price, so cost is
 * a plain sum. Where the source lists no cache price the resolver has already filled it in (and said
 * how), so no consumer guesses again.
 */
export interface ModelPrice {
  /** USD per uncached input token. */
  input: number;
  /** USD per output token; reasoning tokens are output tokens. */
  output: number;
  /** USD per input token read from the provider's prefix cache. */
  cacheRead: number;
  /** USD per input token written to the prefix cache with the default (5-minute) TTL. */
  cacheWrite: number;
  /** USD per input token written to the prefix cache with a one-hour TTL. */
  cacheWrite1h: number;
  /** USD per input token through the batch API, when the provider lists one. */
  batchInput?: number;
  /** USD per output token through the batch API, when the provider lists one. */
  batchOutput?: number;
  /** Long-context tier, when the model has one. */
  longContext?: LongContextPrice;
  /** Where the price comes from. */
  source: 'catalogue' | 'config' | 'cost-of-ownership';
  /** The catalogue entry used (for `catalogue` prices, and `config` prices that override one). */
  catalogueModel?: string;
}
