import { readFileSync } from 'node:fs';
import type { CatalogueEntry, PriceCatalogueFile } from './catalogue-entry.js';
import type { ModelPrice } from './model-price.js';

// Read beside this module rather than imported as JSON: the same line works from src/ under tsx and
// from dist/ after `tsc` (which copies src/**/*.json), and the compiler never infers a type for 800
// models.
const catalogue = JSON.parse(readFileSync(new URL('./catalogue.json', import.meta.url), 'utf8')) as PriceCatalogueFile;

/** The day the bundled prices were taken from their source (YYYY-MM-DD). */
export const CATALOGUE_DATE: string = catalogue.date;

/** Where the bundled prices come from. */
export const CATALOGUE_SOURCE: string = catalogue.source;

/** A catalogue entry and the name it is listed under. */
export interface CatalogueMatch {
  /** The catalogue's model name (LiteLLM's key). */
  name: string;
  /** The entry. */
  entry: CatalogueEntry;
}

/**
 * Gateway provider kinds and presets whose LiteLLM prefix differs from their own name. Other
 * provider names are used as the prefix unchanged (`deepseek`, `groq`, `openrouter`, …).
 */
const PROVIDER_PREFIXES: Record<string, string> = {
  together: 'together_ai',
  fireworks: 'fireworks_ai',
  google: 'gemini',
  'x-ai': 'xai',
};

/** Snapshot suffixes: `-20250929`, `-2024-08-06`, `@20240229` (Vertex style), `-0613`. */
const DATE_SUFFIX = /(?:-\d{8}|-\d{4}-\d{2}-\d{2}|@\d{8}|-\d{4})$/;

const byLowerName = new Map<string, string>();
/** Undated name → its dated snapshots, latest last, so an alias can find its newest snapshot. */
const snapshotsByBase = new Map<string, string[]>();
for (const name of Object.keys(catalogue.models).sort()) {
  const lower = name.toLowerCase();
  if (!byLowerName.has(lower)) byLowerName.set(lower, name);
  const base = lower.replace(DATE_SUFFIX, '');
  if (base !== lower) {
    const snapshots = snapshotsByBase.get(base) ?? [];
    snapshots.push(name);
    snapshotsByBase.set(base, snapshots);
  }
}

/**
 * Finds a model in the bundled catalogue. Tries, in order and case-insensitively: the name with
 * the provider's prefix (`groq/llama-3.3-70b-versatile`) and as given; the same with leading
 * `provider/` segments removed (`anthropic/claude-sonnet-4-5` → `claude-sonnet-4-5`); then each
 * of those with a dated snapshot suffix removed (`claude-sonnet-4-5-20991231` → `claude-sonnet-4-5`);
 * then the newest dated snapshot of an undated name (`claude-3-haiku` → `claude-3-haiku-20240307`).
 *
 * @param model the model name as configured or requested
 * @param provider the gateway provider kind or preset (`openai`, `anthropic`, `deepseek`, `together`, …)
 */
export function lookupCatalogueEntry(model: string, provider?: string): CatalogueMatch | undefined {
  const candidates = candidateNames(model, provider);
  for (const candidate of candidates) {
    const found = byLowerName.get(candidate);
    if (found !== undefined) return match(found);
  }
  for (const candidate of candidates) {
    const base = candidate.replace(DATE_SUFFIX, '');
    if (base === candidate) continue;
    const found = byLowerName.get(base);
    if (found !== undefined) return match(found);
  }
  for (const candidate of candidates) {
    const newest = snapshotsByBase.get(candidate)?.at(-1);
    if (newest !== undefined) return match(newest);
  }
  return undefined;
}

/**
 * The catalogue price of a model, resolved to every token kind, or `undefined` when the catalogue
 * does not know it (the caller must then price it by config or flag it: never assume $0).
 * See {@link lookupCatalogueEntry} for how names are matched.
 */
export function lookupCataloguePrice(model: string, provider?: string): ModelPrice | undefined {
  const found = lookupCatalogueEntry(model, provider);
  return found === undefined ? undefined : convertCatalogueEntry(found);
}

/** A catalogue entry as a {@link ModelPrice}, with absent cache prices filled in. */
export function convertCatalogueEntry(found: CatalogueMatch): ModelPrice {
  const { entry } = found;
  // No listed cache-read price means no known discount (xAI, Groq, many open-model hosts): bill
  // cached tokens as ordinary input rather than invent a discount that may not exist.
  const cacheRead = entry.cacheRead ?? entry.input;
  // OpenAI, DeepSeek and Gemini charge nothing extra to write their automatic caches: those tokens
  // are ordinary input. Anthropic, the provider that does charge, lists the price for every model.
  const cacheWrite = entry.cacheWrite ?? entry.input;
  // Only Anthropic offers a one-hour TTL; where no separate price is listed the 5-minute one applies.
  const cacheWrite1h = entry.cacheWrite1h ?? cacheWrite;
  const price: ModelPrice = {
    input: entry.input,
    output: entry.output,
    cacheRead,
    cacheWrite,
    cacheWrite1h,
    source: 'catalogue',
    catalogueModel: found.name,
  };
  if (entry.batchInput !== undefined) price.batchInput = entry.batchInput;
  if (entry.batchOutput !== undefined) price.batchOutput = entry.batchOutput;
  const tier = entry.longContext;
  if (tier !== undefined) {
    price.longContext = {
      thresholdTokens: tier.thresholdTokens,
      input: tier.input ?? entry.input,
      output: tier.output ?? entry.output,
    };
    if (tier.cacheRead !== undefined) price.longContext.cacheRead = tier.cacheRead;
    if (tier.cacheWrite !== undefined) price.longContext.cacheWrite = tier.cacheWrite;
    if (tier.cacheWrite1h !== undefined) price.longContext.cacheWrite1h = tier.cacheWrite1h;
  }
  return price;
}

function match(name: string): CatalogueMatch {
  // Every name in the indexes comes from the catalogue's own keys.
  return { name, entry: catalogue.models[name] as CatalogueEntry };
}

/** Names to try, lower-cased, most specific first. */
function candidateNames(model: string, provider: string | undefined): string[] {
  const prefix = provider === undefined ? undefined : (PROVIDER_PREFIXES[provider] ?? provider).toLowerCase();
  const names: string[] = [];
  let rest = model.trim().toLowerCase();
  for (;;) {
    if (prefix !== undefined && !rest.startsWith(`${prefix}/`)) names.push(`${prefix}/${rest}`);
    names.push(rest);
    const slash = rest.indexOf('/');
    if (slash < 0) break;
    rest = rest.slice(slash + 1);
  }
  return names;
}
