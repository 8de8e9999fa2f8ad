import type { ConfigFile, PricingConfig, ProviderConfig } from '../../config/config-schema.js';
import type { ModelPrice } from '../../pricing/model-price.js';
import { resolveModelPrice } from '../../pricing/resolve-model-price.js';
import { GatewayError } from '../../spec/index.js';
import type { PriceScale, PriceScenario } from './price-scenario.js';

/** The four configurations every replay compares. */
export const VARIANT_NAMES = ['baseline', 'cache', 'routing', 'full'] as const;

/** One of {@link VARIANT_NAMES}, or `full-current` (the full stack at today's prices, beside a scenario). */
export type VariantName = (typeof VARIANT_NAMES)[number] | 'full-current';

/** A configuration to replay the trace through. */
export interface ReplayVariant {
  name: VariantName;
  /** Column heading. */
  label: string;
  /** The config document the gateway is built from. */
  config: ConfigFile;
  /** The model every request asks for: the baseline deployment, or `auto`. */
  model: string;
}

const PER_MILLION = 1_000_000;

/** Timing of providers the replay turns into simulated ones (virtual time: costs no wall time). */
const SIMULATED_TIMING = { ttft_ms: 350, tokens_per_second: 90 };

/** Answer length of simulated models when the trace does not record one. */
export const DEFAULT_ANSWER_TOKENS = 200;

/** The deployment the baseline sends everything to: config `baseline`, else the premium (or last) tier's first. */
export function baselineDeploymentId(config: ConfigFile): string {
  if (config.baseline) return config.baseline;
  const tiers = Object.entries(config.tiers);
  const premium = config.tiers.premium ?? tiers.at(-1)?.[1];
  const first = premium?.deployments[0];
  if (!first) {
    throw new GatewayError({
      code: 'invalid_request',
      message: 'The replay needs a baseline model: set `baseline: provider/model` or configure tiers.',
    });
  }
  return first;
}

function scaleFactor(options: { scales: readonly PriceScale[]; provider: ProviderConfig; names: string[] }): number {
  let product = 1;
  for (const scale of options.scales) {
    const applies =
      scale.target === 'all' ||
      (scale.target === 'provider' &&
        (scale.match === options.provider.name || scale.match === options.provider.preset)) ||
      (scale.target === 'location' && scale.match === options.provider.location) ||
      (scale.target === 'model' && options.names.includes(scale.match));
    if (applies) product *= scale.factor;
  }
  return product;
}

function toPricing(price: ModelPrice, factor: number): PricingConfig {
  const perMillion = (value: number): number => Number((value * PER_MILLION * factor).toPrecision(12));
  return {
    input_per_mtok: perMillion(price.input),
    output_per_mtok: perMillion(price.output),
    cache_read_per_mtok: perMillion(price.cacheRead),
    cache_write_per_mtok: perMillion(price.cacheWrite),
    cache_write_1h_per_mtok: perMillion(price.cacheWrite1h),
  };
}

/** Options for {@link prepareReplayConfig}. */
export interface PrepareReplayConfigOptions {
  /** The user's validated config (or the built-in replay default). */
  config: ConfigFile;
  /** Prices to replay at instead of the catalogue's. */
  scenario?: PriceScenario;
  /** The trace's longest recorded answer: simulated answers run at least this long (see `Trace`). */
  longestOutputTokens?: number;
}

/**
 * The config a replay runs: every provider becomes a simulated one speaking the same wire protocol and
 * priced exactly as the gateway would price the real model (the price is resolved here, through the
 * real resolver, and written out, so that a scenario can change it); rate and concurrency limits are
 * dropped (a replay sends thousands of requests per wall-clock second, so limits on the real clock
 * would mean nothing); the ledger is off and state in memory, so that four configurations never share
 * a budget or a cache. Returns what the report should say about the changes.
 */
export function prepareReplayConfig(options: PrepareReplayConfigOptions): { config: ConfigFile; notes: string[] } {
  const config = structuredClone(options.config);
  const notes: string[] = [];
  const scenario = options.scenario;
  const overrides = { ...config.pricing, ...scenario?.pricing };
  const answerTokens = Math.max(
    DEFAULT_ANSWER_TOKENS,
    options.longestOutputTokens === undefined ? 0 : Math.ceil(options.longestOutputTokens / 0.6) + 1,
  );
  const converted: string[] = [];
  const unpriced: string[] = [];
  let faultsDropped = false;
  let limitsDropped = false;
  config.providers = config.providers.map((provider) => {
    const models = provider.models.map((model) => {
      const upstream = model.upstream ?? model.name;
      const names = [model.name, upstream, ...(model.price_as ? [model.price_as] : [])];
      if (provider.cost_of_ownership) return model;
      const price = resolveModelPrice({
        model: upstream,
        provider: provider.preset ?? provider.kind,
        priceAs: model.price_as,
        override: model.pricing,
        overrides,
      });
      if (!price) {
        unpriced.push(`${provider.name}/${model.name}`);
        return model;
      }
      if (price.catalogueModel) names.push(price.catalogueModel);
      const scaled = scaleFactor({ scales: scenario?.scales ?? [], provider, names });
      return { ...model, pricing: toPricing(price, scaled) };
    });
    const ownership = provider.cost_of_ownership;
    const ownershipFactor = scaleFactor({ scales: scenario?.scales ?? [], provider, names: [] });
    if (provider.kind !== 'simulated') converted.push(provider.name);
    if ((provider.simulation?.faults.length ?? 0) > 0) faultsDropped = true;
    const { rpm, tpm, max_concurrency, ...limits } = provider.limits;
    if (rpm !== undefined || tpm !== undefined || max_concurrency !== undefined) limitsDropped = true;
    const simulated: ProviderConfig = {
      name: provider.name,
      kind: 'simulated',
      headers: {},
      location: provider.location,
      timeouts: provider.timeouts,
      limits,
      simulation: {
        protocol: provider.kind === 'anthropic' ? 'anthropic' : (provider.simulation?.protocol ?? 'openai'),
        ttft_ms: provider.simulation?.ttft_ms ?? SIMULATED_TIMING.ttft_ms,
        tokens_per_second: provider.simulation?.tokens_per_second ?? SIMULATED_TIMING.tokens_per_second,
        output_tokens: Math.max(provider.simulation?.output_tokens ?? 0, answerTokens),
        faults: [],
      },
      models,
    };
    if (provider.data_residency !== undefined) simulated.data_residency = provider.data_residency;
    if (ownership) {
      simulated.cost_of_ownership = {
        ...ownership,
        hardware_usd: ownership.hardware_usd * ownershipFactor,
        usd_per_kwh: ownership.usd_per_kwh * ownershipFactor,
      };
    }
    return simulated;
  });
  config.pricing = {};
  config.storage = { ...config.storage, ledger: 'off', shared_state: 'memory' };
  config.budgets = config.budgets.map(({ webhook_url: _dropped, ...budget }) => budget);
  if (config.cache.semantic.embedder !== 'local') {
    notes.push(
      `The semantic cache embeds with the local model instead of ${config.cache.semantic.embedder} (no network in a replay).`,
    );
    config.cache = { ...config.cache, semantic: { ...config.cache.semantic, embedder: 'local' } };
  }
  if (converted.length > 0) {
    notes.push(
      `Providers ${converted.join(', ')} are simulated, priced as their models; no request leaves the machine.`,
    );
  }
  if (unpriced.length > 0) notes.push(`No price known for ${unpriced.join(', ')}: their cost counts as $0 (flagged).`);
  if (faultsDropped)
    notes.push('Simulated faults in the config are switched off: the replay measures cost, not resilience.');
  if (limitsDropped)
    notes.push('Rate and concurrency limits are not modelled (the replay runs far faster than real time).');
  return { config, notes };
}

/**
 * The four configurations: baseline (everything to the baseline deployment, no answer cache, no prefix
 * breakpoints, no budgets: what calling the frontier model directly costs), cache only (answer cache
 * and prefix caching on, still the baseline model), routing only (`auto`, no caches), and full
 * (everything the config has, with the answer cache on). The config's budgets apply to all but the
 * baseline.
 */
export function deriveVariants(base: ConfigFile): ReplayVariant[] {
  const baseline = baselineDeploymentId(base);
  const withCache = (answer: boolean, prefix: boolean): ConfigFile['cache'] => ({
    ...base.cache,
    enabled: answer,
    prefix: { ...base.cache.prefix, enabled: prefix && base.cache.prefix.enabled },
  });
  return [
    {
      name: 'baseline',
      label: 'baseline',
      model: baseline,
      config: { ...base, cache: withCache(false, false), budgets: [] },
    },
    { name: 'cache', label: 'cache only', model: baseline, config: { ...base, cache: withCache(true, true) } },
    { name: 'routing', label: 'routing only', model: 'auto', config: { ...base, cache: withCache(false, false) } },
    { name: 'full', label: 'full', model: 'auto', config: { ...base, cache: withCache(true, true) } },
  ];
}
