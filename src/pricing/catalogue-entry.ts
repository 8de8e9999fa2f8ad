/** What a catalogue model is for, as LiteLLM classifies it. */
export type CatalogueMode = 'chat' | 'completion' | 'responses' | 'embedding';

/**
 * Prices that apply to the whole request once its total input (uncached, cache read and cache
 * write together) exceeds `thresholdTokens` (Anthropic, Gemini and OpenAI's long-context tiers).
 * Absent fields are not listed by the source; see `computeCost` for how they are filled.
 */
export interface CatalogueLongContext {
  /** Input size above which these prices apply, in tokens (LiteLLM's `above_200k` is 200,000). */
  thresholdTokens: number;
  /** USD per uncached input token. */
  input?: number;
  /** USD per output token. */
  output?: number;
  /** USD per cache-read input token. */
  cacheRead?: number;
  /** USD per cache-write input token (5-minute TTL). */
  cacheWrite?: number;
  /** USD per cache-write input token (1-hour TTL). */
  cacheWrite1h?: number;
}

/**
 * One model of the bundled price catalogue: prices in USD per token, limits and capability flags,
 * as LiteLLM's table lists them. A field the source does not list is absent, never zero.
 */
export interface CatalogueEntry {
  /** LiteLLM's provider name (`openai`, `anthropic`, `deepseek`, `openrouter`, `together_ai`, …). */
  provider: string;
  /** What the model is for. */
  mode: CatalogueMode;
  /** USD per uncached input token. */
  input: number;
  /** USD per output token (reasoning included). */
  output: number;
  /** USD per input token read from the provider's prefix cache. */
  cacheRead?: number;
  /** USD per input token written to the prefix cache with the default (5-minute) TTL. */
  cacheWrite?: number;
  /** USD per input token written to the prefix cache with a one-hour TTL (Anthropic). */
  cacheWrite1h?: number;
  /** USD per input token through the provider's batch API. */
  batchInput?: number;
  /** USD per output token through the provider's batch API. */
  batchOutput?: number;
  /** Long-context tier. */
  longContext?: CatalogueLongContext;
  /** Context window in tokens. */
  maxInputTokens?: number;
  /** Longest answer in tokens. */
  maxOutputTokens?: number;
  /** Supports tool (function) calling. */
  supportsFunctionCalling?: boolean;
  /** Accepts images. */
  supportsVision?: boolean;
  /** Supports JSON-schema structured output. */
  supportsResponseSchema?: boolean;
  /** A reasoning model. */
  supportsReasoning?: boolean;
  /** Supports provider prefix caching. */
  supportsPromptCaching?: boolean;
}

/** The committed `catalogue.json`. */
export interface PriceCatalogueFile {
  /** Where the prices come from. */
  source: string;
  /** The date of the source snapshot (YYYY-MM-DD): prices are as of that day. */
  date: string;
  /** The script that wrote the file. */
  generatedBy: string;
  /** Entries by LiteLLM model name (`gpt-4o`, `claude-sonnet-4-5`, `deepseek/deepseek-chat`, …). */
  models: Record<string, CatalogueEntry>;
}
