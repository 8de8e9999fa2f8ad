import type { PricingConfig } from '../config/config-schema.js';
import type { ModelPrice } from './model-price.js';
import { lookupCatalogueEntry, lookupCataloguePrice } from './price-catalogue.js';

/** What {@link resolveModelPrice} needs to know about a model. */
export interface ResolveModelPriceOptions {
  /** The model name at the provider (or as configured). */
  model: string;
  /** The gateway provider kind or preset, to match provider-prefixed catalogue names. */
  provider?: string;
  /** Price this model like that catalogue model (config `price_as`). */
  priceAs?: string;
  /** The model's own `pricing` block from config, USD per million tokens. */
  override?: PricingConfig;
  /** The config's top-level `pricing` map, USD per million tokens, by model name. */
  overrides?: Record<string, PricingConfig>;
}

const PER_MILLION = 1_000_000;

/**
 * The price of a model, from the first source that knows it:
 * 1. the model's own `pricing` in config;
 * 2. the top-level `pricing` map, by the model's name, then its `price_as` name, then the name of
 *    the catalogue entry the model matches (so an override keyed `claude-sonnet-4-5` also covers
 *    `claude-sonnet-4-5-20250929`);
 * 3. the catalogue entry named by `price_as`;
 * 4. the catalogue entry of the model itself.
 *
 * Returns `undefined` when nothing knows the model: the caller must flag it (an unpriced model is
 * never silently free). A `price_as` naming an unknown model does not fall through to the model's
 * own catalogue entry either, since the user said the model should not be priced as itself.
 */
export function resolveModelPrice(options: ResolveModelPriceOptions): ModelPrice | undefined {
  const { model, provider, priceAs, override, overrides } = options;
  const catalogueMatch = lookupCatalogueEntry(priceAs ?? model, priceAs === undefined ? provider : undefined);
  if (override !== undefined) return convertPricingConfig({ pricing: override, catalogueModel: catalogueMatch?.name });
  if (overrides !== undefined) {
    for (const name of [model, priceAs, catalogueMatch?.name]) {
      const found = name === undefined ? undefined : ownValue(overrides, name);
      if (found !== undefined) return convertPricingConfig({ pricing: found, catalogueModel: catalogueMatch?.name });
    }
  }
  if (priceAs !== undefined) return lookupCataloguePrice(priceAs);
  return lookupCataloguePrice(model, provider);
}

/**
 * A config price block (USD per million tokens) as a {@link ModelPrice}. Config prices are complete
 * in themselves: a cache price left out means no discount (cache reads and writes cost the input
 * price) and a one-hour write costs what a 5-minute write does, rather than mixing in catalogue
 * ratios that belong to another price list.
 */
export function convertPricingConfig(options: { pricing: PricingConfig; catalogueModel?: string }): ModelPrice {
  const { pricing } = options;
  const input = pricing.input_per_mtok / PER_MILLION;
  const cacheWrite = (pricing.cache_write_per_mtok ?? pricing.input_per_mtok) / PER_MILLION;
  const price: ModelPrice = {
    input,
    output: pricing.output_per_mtok / PER_MILLION,
    cacheRead: (pricing.cache_read_per_mtok ?? pricing.input_per_mtok) / PER_MILLION,
    cacheWrite,
    cacheWrite1h:
      pricing.cache_write_1h_per_mtok === undefined ? cacheWrite : pricing.cache_write_1h_per_mtok / PER_MILLION,
    source: 'config',
  };
  if (options.catalogueModel !== undefined) price.catalogueModel = options.catalogueModel;
  return price;
}

function ownValue(record: Record<string, PricingConfig>, key: string): PricingConfig | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
