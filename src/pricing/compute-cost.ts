import type { Usage } from '../spec/usage.js';
import type { ModelPrice } from './model-price.js';

/**
 * When a model lists no batch prices, its batch API is assumed to cost half the live price: both
 * OpenAI (https://platform.openai.com/docs/guides/batch) and Anthropic
 * (https://docs.anthropic.com/en/docs/build-with-claude/batch-processing#pricing) discount 50%.
 */
const DEFAULT_BATCH_DISCOUNT = 0.5;

/** Costs are rounded to a picodollar: far below any price step, and it removes float noise. */
const PICODOLLARS_PER_USD = 1e12;

/** Per-token rates for one request after long-context and batch adjustments. */
interface EffectiveRates {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  cacheWrite1h: number;
}

/** Options for {@link computeCost}. */
export interface ComputeCostOptions {
  /** Normalised usage of one attempt. */
  usage: Usage;
  /** The model's resolved price. */
  price: ModelPrice;
  /** True when the request went through the provider's batch API. */
  batch?: boolean;
}

/**
 * The USD cost of one attempt:
 * uncached × input + cache read × cacheRead + (cache write − 1h writes) × cacheWrite
 * + 1h writes × cacheWrite1h + output × output. Reasoning tokens are part of `outputTokens` and
 * billed with them. When the total input (all three kinds) exceeds the model's long-context
 * threshold, the long-context prices apply to the whole request, as providers bill it. With
 * `batch`, batch prices apply (see {@link DEFAULT_BATCH_DISCOUNT} when none are listed).
 */
export function computeCost(options: ComputeCostOptions): number {
  const { usage } = options;
  const totalInput = usage.uncachedInputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens;
  const rates = effectiveRates({ price: options.price, totalInputTokens: totalInput, batch: options.batch === true });
  // 1h writes are a share of all writes; a record claiming more 1h writes than writes bills them all as 1h.
  const writes1h = Math.min(usage.cacheWrite1hInputTokens, usage.cacheWriteInputTokens);
  return roundUsd(
    usage.uncachedInputTokens * rates.input +
      usage.cacheReadInputTokens * rates.cacheRead +
      (usage.cacheWriteInputTokens - writes1h) * rates.cacheWrite +
      writes1h * rates.cacheWrite1h +
      usage.outputTokens * rates.output,
  );
}

/** Options for {@link estimateMaxCost}. */
export interface EstimateMaxCostOptions {
  /** Input tokens of the request, counted or estimated. */
  inputTokens: number;
  /** The most output tokens the request may produce. */
  maxOutputTokens: number;
  /** The model's resolved price. */
  price: ModelPrice;
  /** True when the request goes through the provider's batch API. */
  batch?: boolean;
}

/**
 * The most a request can cost, for budget reservation: every input token at the dearest input rate
 * (plain input, or a cache write where writes cost more, as at Anthropic, since the gateway may add
 * cache breakpoints), every allowed output token, long-context prices if the input is past the
 * threshold. Settling to actual usage afterwards gives the difference back.
 */
export function estimateMaxCost(options: EstimateMaxCostOptions): number {
  const rates = effectiveRates({
    price: options.price,
    totalInputTokens: options.inputTokens,
    batch: options.batch === true,
  });
  const dearestInput = Math.max(rates.input, rates.cacheWrite, rates.cacheWrite1h);
  return roundUsd(options.inputTokens * dearestInput + options.maxOutputTokens * rates.output);
}

/** Options for {@link computeCounterfactualCost}. */
export interface ComputeCounterfactualCostOptions {
  /** Normalised usage of the request as it was served. */
  usage: Usage;
  /** The price of the configured baseline model. */
  baselinePrice: ModelPrice;
}

/**
 * What the same tokens would have cost on the baseline model with no cache of any kind: all input
 * (uncached, cache read and cache write) at the baseline input price, all output at the baseline
 * output price, with the baseline's long-context tier where the input reaches it. Savings are this
 * minus the actual cost. A response served from the gateway's own cache still counts its tokens here.
 */
export function computeCounterfactualCost(options: ComputeCounterfactualCostOptions): number {
  const { usage } = options;
  return computeCost({
    price: options.baselinePrice,
    usage: {
      uncachedInputTokens: usage.uncachedInputTokens + usage.cacheReadInputTokens + usage.cacheWriteInputTokens,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      cacheWrite1hInputTokens: 0,
      outputTokens: usage.outputTokens,
      reasoningTokens: usage.reasoningTokens,
      source: usage.source,
    },
  });
}

function effectiveRates(options: { price: ModelPrice; totalInputTokens: number; batch: boolean }): EffectiveRates {
  const { price } = options;
  const tier = price.longContext;
  let rates: EffectiveRates;
  if (tier !== undefined && options.totalInputTokens > tier.thresholdTokens) {
    // A tier that lists no cache price scales the normal one by the tier's input multiplier:
    // Anthropic documents exactly that, and Gemini's listed tiers follow the same ratio.
    const inputScale = price.input > 0 ? tier.input / price.input : 1;
    rates = {
      input: tier.input,
      output: tier.output,
      cacheRead: tier.cacheRead ?? price.cacheRead * inputScale,
      cacheWrite: tier.cacheWrite ?? price.cacheWrite * inputScale,
      cacheWrite1h: tier.cacheWrite1h ?? price.cacheWrite1h * inputScale,
    };
  } else {
    rates = {
      input: price.input,
      output: price.output,
      cacheRead: price.cacheRead,
      cacheWrite: price.cacheWrite,
      cacheWrite1h: price.cacheWrite1h,
    };
  }
  if (!options.batch) return rates;
  // Batch prices are listed for the base tier; the discount they imply carries over to cache prices
  // and long-context tiers (Anthropic: "pricing multipliers stack").
  const inputFactor =
    price.batchInput !== undefined && price.input > 0 ? price.batchInput / price.input : DEFAULT_BATCH_DISCOUNT;
  const outputFactor =
    price.batchOutput !== undefined && price.output > 0 ? price.batchOutput / price.output : DEFAULT_BATCH_DISCOUNT;
  return {
    input: rates.input * inputFactor,
    output: rates.output * outputFactor,
    cacheRead: rates.cacheRead * inputFactor,
    cacheWrite: rates.cacheWrite * inputFactor,
    cacheWrite1h: rates.cacheWrite1h * inputFactor,
  };
}

function roundUsd(usd: number): number {
  return Math.round(usd * PICODOLLARS_PER_USD) / PICODOLLARS_PER_USD;
}
