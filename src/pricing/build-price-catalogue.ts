import type { CatalogueEntry, CatalogueLongContext, CatalogueMode, PriceCatalogueFile } from './catalogue-entry.js';

/**
 * LiteLLM providers whose models the gateway can reach: the native OpenAI and Anthropic adapters
 * and the OpenAI-compatible presets, plus Mistral, Gemini, xAI, Fireworks and DeepInfra whose
 * OpenAI-compatible endpoints a user may configure (the last two also give market prices for open
 * models, handy as `price_as` for self-hosted ones). Clouds with their own APIs (Bedrock, Vertex,
 * Azure) are left out to keep the file small; `price_as` or a config price covers them. Ollama's
 * entries are left out on purpose: they list $0, and a local endpoint is priced by its cost of
 * ownership instead.
 */
export const CATALOGUE_PROVIDERS = [
  'openai',
  'text-completion-openai',
  'anthropic',
  'deepseek',
  'openrouter',
  'groq',
  'together_ai',
  'mistral',
  'gemini',
  'xai',
  'fireworks_ai',
  'deepinfra',
] as const;

const MODES: readonly CatalogueMode[] = ['chat', 'completion', 'responses', 'embedding'];

/**
 * LiteLLM's long-context fields: `<price>_above_<N>k_tokens`. Variants with a further suffix
 * (`_priority`, `_flex`) are service tiers the gateway does not request, so the `$` excludes them.
 */
const LONG_CONTEXT_FIELD =
  /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost|cache_creation_input_token_cost_above_1hr)_above_(\d+)k_tokens$/;

const LONG_CONTEXT_KEYS: Record<string, keyof Omit<CatalogueLongContext, 'thresholdTokens'>> = {
  input_cost_per_token: 'input',
  output_cost_per_token: 'output',
  cache_read_input_token_cost: 'cacheRead',
  cache_creation_input_token_cost: 'cacheWrite',
  cache_creation_input_token_cost_above_1hr: 'cacheWrite1h',
};

/** What {@link buildPriceCatalogue} kept and why it dropped the rest. */
export interface BuildPriceCatalogueResult {
  /** The catalogue to write. */
  catalogue: PriceCatalogueFile;
  /** Entries of the chosen providers and modes that had no usable per-token price, by name. */
  skipped: string[];
}

/** Options for {@link buildPriceCatalogue}. */
export interface BuildPriceCatalogueOptions {
  /** LiteLLM's `model_prices_and_context_window.json`, parsed. */
  table: unknown;
  /** The snapshot date (YYYY-MM-DD). */
  date: string;
  /** Where the table came from, for the `source` field. */
  source: string;
  /** The script that writes the result, for the `generatedBy` field. */
  generatedBy: string;
}

/**
 * Turns LiteLLM's price table into the gateway's catalogue: chat, completion, responses and
 * embedding models of {@link CATALOGUE_PROVIDERS} with their per-token prices, long-context tier,
 * batch prices, limits and capability flags. Pure and deterministic: models come out sorted by
 * name, so the same table always yields the same file.
 */
export function buildPriceCatalogue(options: BuildPriceCatalogueOptions): BuildPriceCatalogueResult {
  if (!isRecord(options.table)) throw new Error('The LiteLLM price table must be a JSON object.');
  const providers = new Set<string>(CATALOGUE_PROVIDERS);
  const models: Record<string, CatalogueEntry> = {};
  const skipped: string[] = [];
  for (const name of Object.keys(options.table).sort()) {
    const raw = options.table[name];
    if (!isRecord(raw)) continue;
    const provider = raw.litellm_provider;
    const mode = raw.mode;
    if (typeof provider !== 'string' || !providers.has(provider)) continue;
    if (!isMode(mode)) continue;
    const entry = convertEntry({ name, raw, provider, mode });
    if (entry === undefined) skipped.push(name);
    else models[name] = entry;
  }
  return {
    catalogue: { source: options.source, date: options.date, generatedBy: options.generatedBy, models },
    skipped,
  };
}

/**
 * The catalogue as committed: the header fields, then one model per line so that a price change
 * shows as a one-line diff and the file stays compact.
 */
export function formatPriceCatalogue(catalogue: PriceCatalogueFile): string {
  const lines = Object.entries(catalogue.models).map(
    ([name, entry]) => `    ${JSON.stringify(name)}: ${JSON.stringify(entry)}`,
  );
  return [
    '{',
    `  "source": ${JSON.stringify(catalogue.source)},`,
    `  "date": ${JSON.stringify(catalogue.date)},`,
    `  "generatedBy": ${JSON.stringify(catalogue.generatedBy)},`,
    '  "models": {',
    lines.join(',\n'),
    '  }',
    '}',
    '',
  ].join('\n');
}

function convertEntry(options: {
  name: string;
  raw: Record<string, unknown>;
  provider: string;
  mode: CatalogueMode;
}): CatalogueEntry | undefined {
  const { raw, provider, mode } = options;
  const input = price(raw.input_cost_per_token);
  // Embeddings produce no output tokens; LiteLLM omits their output price for some providers.
  const output = price(raw.output_cost_per_token) ?? (mode === 'embedding' ? 0 : undefined);
  // Models billed per second, per character or per image have no per-token price to offer.
  if (input === undefined || output === undefined) return undefined;
  return withoutUndefined<CatalogueEntry>({
    provider,
    mode,
    input,
    output,
    cacheRead: price(raw.cache_read_input_token_cost),
    cacheWrite: price(raw.cache_creation_input_token_cost),
    cacheWrite1h: price(raw.cache_creation_input_token_cost_above_1hr),
    batchInput: price(raw.input_cost_per_token_batches),
    batchOutput: price(raw.output_cost_per_token_batches),
    longContext: convertLongContext(options.name, raw),
    maxInputTokens: tokenCount(raw.max_input_tokens),
    maxOutputTokens: tokenCount(raw.max_output_tokens),
    supportsFunctionCalling: flag(raw.supports_function_calling),
    supportsVision: flag(raw.supports_vision),
    supportsResponseSchema: flag(raw.supports_response_schema),
    supportsReasoning: flag(raw.supports_reasoning),
    supportsPromptCaching: flag(raw.supports_prompt_caching),
  });
}

function convertLongContext(name: string, raw: Record<string, unknown>): CatalogueLongContext | undefined {
  let thresholdTokens: number | undefined;
  const prices: Omit<CatalogueLongContext, 'thresholdTokens'> = {};
  for (const field of Object.keys(raw)) {
    const match = LONG_CONTEXT_FIELD.exec(field);
    if (!match) continue;
    const key = LONG_CONTEXT_KEYS[match[1] ?? ''];
    const value = price(raw[field]);
    if (key === undefined || value === undefined) continue;
    const threshold = Number(match[2]) * 1000;
    // One tier per model is all the source has today; a second would need a list, so say so loudly.
    if (thresholdTokens !== undefined && thresholdTokens !== threshold) {
      throw new Error(`${name} has long-context prices at two thresholds; the catalogue supports one.`);
    }
    thresholdTokens = threshold;
    prices[key] = value;
  }
  if (thresholdTokens === undefined) return undefined;
  return withoutUndefined<CatalogueLongContext>({
    thresholdTokens,
    input: prices.input,
    output: prices.output,
    cacheRead: prices.cacheRead,
    cacheWrite: prices.cacheWrite,
    cacheWrite1h: prices.cacheWrite1h,
  });
}

/** The object without its undefined fields, so that absent prices stay absent in the JSON. */
function withoutUndefined<Shape extends object>(object: Shape): Shape {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as Shape;
}

function price(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function tokenCount(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function flag(value: unknown): boolean | undefined {
  return typeof value === 'boolean' ? value : undefined;
}

function isMode(value: unknown): value is CatalogueMode {
  return typeof value === 'string' && (MODES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
