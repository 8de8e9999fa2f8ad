import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Usage } from '../spec/usage.js';
import { computeCost, computeCounterfactualCost, estimateMaxCost } from './compute-cost.js';
import type { ModelPrice } from './model-price.js';
import { lookupCataloguePrice } from './price-catalogue.js';

function usage(counts: Partial<Usage>): Usage {
  return {
    uncachedInputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    source: 'reported',
    ...counts,
  };
}

function catalogue(model: string, provider?: string): ModelPrice {
  const price = lookupCataloguePrice(model, provider);
  assert.ok(price, `${model} should be in the catalogue`);
  return price;
}

// Prices used below, USD per token, from the 2026-08-01 catalogue:
// gpt-4o: input 2.5e-6, cache read 1.25e-6, output 10e-6, batch 1.25e-6 / 5e-6.
// claude-sonnet-4-5: input 3e-6, cache read 0.3e-6, write 5m 3.75e-6, write 1h 6e-6, output 15e-6;
//   above 200k input: 6e-6, 0.6e-6, 7.5e-6, 12e-6, 22.5e-6.
// deepseek-chat: input (miss) 0.28e-6, cache hit 0.028e-6, output 0.42e-6.
const gpt4o = catalogue('gpt-4o', 'openai');
const sonnet = catalogue('claude-sonnet-4-5', 'anthropic');
const deepseek = catalogue('deepseek-chat', 'deepseek');

describe('computeCost', () => {
  it('OpenAI: 2,000 prompt tokens of which 1,536 cached, 300 completion tokens with 120 reasoning', () => {
    // The adapter has already split cached_tokens out of prompt_tokens: 464 uncached + 1,536 read.
    const cost = computeCost({
      price: gpt4o,
      usage: usage({ uncachedInputTokens: 464, cacheReadInputTokens: 1536, outputTokens: 300, reasoningTokens: 120 }),
    });
    // 464 × 2.5e-6 + 1,536 × 1.25e-6 + 300 × 10e-6 = 0.00116 + 0.00192 + 0.003 (reasoning is inside output)
    assert.equal(cost, 0.00608);
  });

  it('Anthropic: cache reads, 5-minute writes and 1-hour writes each at their own price', () => {
    const cost = computeCost({
      price: sonnet,
      usage: usage({
        uncachedInputTokens: 50,
        cacheReadInputTokens: 10_000,
        cacheWriteInputTokens: 3_000,
        cacheWrite1hInputTokens: 2_000,
        outputTokens: 500,
      }),
    });
    // 50 × 3e-6 + 10,000 × 0.3e-6 + 1,000 × 3.75e-6 + 2,000 × 6e-6 + 500 × 15e-6
    // = 0.00015 + 0.003 + 0.00375 + 0.012 + 0.0075
    assert.equal(cost, 0.0264);
  });

  it('DeepSeek: cache hits and misses', () => {
    const cost = computeCost({
      price: deepseek,
      usage: usage({ uncachedInputTokens: 2_000, cacheReadInputTokens: 8_000, outputTokens: 1_000 }),
    });
    // 2,000 × 0.28e-6 + 8,000 × 0.028e-6 + 1,000 × 0.42e-6 = 0.00056 + 0.000224 + 0.00042
    assert.equal(cost, 0.001204);
  });

  it('long context: past the threshold every token kind takes the long-context price', () => {
    const long = usage({ uncachedInputTokens: 240_000, cacheReadInputTokens: 10_000, outputTokens: 1_000 });
    // 240,000 × 6e-6 + 10,000 × 0.6e-6 + 1,000 × 22.5e-6 = 1.44 + 0.006 + 0.0225
    assert.equal(computeCost({ price: sonnet, usage: long }), 1.4685);
    // Exactly at the threshold is not above it: 200,000 × 3e-6.
    assert.equal(computeCost({ price: sonnet, usage: usage({ uncachedInputTokens: 200_000 }) }), 0.6);
    // Cache reads count towards the threshold: 150,000 uncached + 60,000 read is above 200k.
    assert.equal(
      computeCost({ price: sonnet, usage: usage({ uncachedInputTokens: 150_000, cacheReadInputTokens: 60_000 }) }),
      // 150,000 × 6e-6 + 60,000 × 0.6e-6
      0.936,
    );
  });

  it('long context without a listed cache price scales the normal one by the input multiplier', () => {
    // xai/grok-4-fast-reasoning: input 0.2e-6, cache read 0.05e-6, output 0.5e-6; above 128k 0.4e-6 / 1e-6.
    const grok = catalogue('grok-4-fast-reasoning', 'xai');
    const cost = computeCost({
      price: grok,
      usage: usage({ uncachedInputTokens: 30_000, cacheReadInputTokens: 100_000, outputTokens: 1_000 }),
    });
    // 30,000 × 0.4e-6 + 100,000 × (0.05e-6 × 2) + 1,000 × 1e-6 = 0.012 + 0.01 + 0.001
    assert.equal(cost, 0.023);
  });

  it('batch: listed batch prices, or half the live price where none are listed', () => {
    const tokens = usage({ uncachedInputTokens: 1_000, cacheReadInputTokens: 1_000, outputTokens: 1_000 });
    // gpt-4o batch: 1,000 × 1.25e-6 + 1,000 × (1.25e-6 × 0.5) + 1,000 × 5e-6
    assert.equal(computeCost({ price: gpt4o, usage: tokens, batch: true }), 0.006875);
    // claude-sonnet-4-5 lists no batch price: (1,000 × 3e-6 + 1,000 × 0.3e-6 + 1,000 × 15e-6) / 2
    assert.equal(computeCost({ price: sonnet, usage: tokens, batch: true }), 0.00915);
    assert.equal(computeCost({ price: sonnet, usage: tokens }), 0.0183);
  });

  it('costs nothing for no tokens, and a config-priced local model like any other', () => {
    assert.equal(computeCost({ price: sonnet, usage: usage({}) }), 0);
    const local: ModelPrice = {
      input: 1e-6,
      output: 4e-6,
      cacheRead: 0,
      cacheWrite: 1e-6,
      cacheWrite1h: 1e-6,
      source: 'cost-of-ownership',
    };
    assert.equal(
      computeCost({
        price: local,
        usage: usage({ uncachedInputTokens: 700, cacheReadInputTokens: 300, outputTokens: 250 }),
      }),
      0.0017,
    );
  });
});

describe('estimateMaxCost', () => {
  it('reserves every input token at the dearest input rate plus every allowed output token', () => {
    // gpt-4o: 1,000 × 2.5e-6 + 1,000 × 10e-6
    assert.equal(estimateMaxCost({ price: gpt4o, inputTokens: 1_000, maxOutputTokens: 1_000 }), 0.0125);
    // Sonnet: a 1-hour cache write (6e-6) is the dearest way to send input: 1,000 × 6e-6 + 1,000 × 15e-6
    assert.equal(estimateMaxCost({ price: sonnet, inputTokens: 1_000, maxOutputTokens: 1_000 }), 0.021);
    // Above 200k the long-context prices apply: 300,000 × 12e-6 + 1,000 × 22.5e-6
    assert.equal(estimateMaxCost({ price: sonnet, inputTokens: 300_000, maxOutputTokens: 1_000 }), 3.6225);
  });

  it('is never below the actual cost of a request within its limits', () => {
    const actual = computeCost({
      price: sonnet,
      usage: usage({
        uncachedInputTokens: 400,
        cacheWriteInputTokens: 600,
        cacheWrite1hInputTokens: 600,
        outputTokens: 900,
      }),
    });
    assert.ok(estimateMaxCost({ price: sonnet, inputTokens: 1_000, maxOutputTokens: 1_000 }) >= actual);
  });
});

describe('computeCounterfactualCost', () => {
  it('prices every input token uncached and every output token at the baseline model', () => {
    const opus = catalogue('claude-opus-4-1', 'anthropic');
    const served = usage({
      uncachedInputTokens: 50,
      cacheReadInputTokens: 10_000,
      cacheWriteInputTokens: 3_000,
      cacheWrite1hInputTokens: 2_000,
      outputTokens: 500,
      reasoningTokens: 100,
    });
    // (50 + 10,000 + 3,000) × 15e-6 + 500 × 75e-6 = 0.19575 + 0.0375
    assert.equal(computeCounterfactualCost({ usage: served, baselinePrice: opus }), 0.23325);
    // The same model without its cache: 13,050 × 3e-6 + 500 × 15e-6, against 0.0264 actually paid.
    assert.equal(computeCounterfactualCost({ usage: served, baselinePrice: sonnet }), 0.04665);
  });

  it('applies the baseline’s long-context tier when the request’s input reaches it', () => {
    const served = usage({ uncachedInputTokens: 10_000, cacheReadInputTokens: 200_000, outputTokens: 1_000 });
    // 210,000 × 6e-6 + 1,000 × 22.5e-6
    assert.equal(computeCounterfactualCost({ usage: served, baselinePrice: sonnet }), 1.2825);
  });
});
