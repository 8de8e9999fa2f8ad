import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveModelPrice } from './resolve-model-price.js';

const ONE = { input_per_mtok: 1, output_per_mtok: 2 };
const FIVE = { input_per_mtok: 5, output_per_mtok: 6 };

describe('resolveModelPrice', () => {
  it('prefers the model’s own pricing over everything else', () => {
    const price = resolveModelPrice({
      model: 'gpt-4o',
      priceAs: 'claude-sonnet-4-5',
      override: ONE,
      overrides: { 'gpt-4o': FIVE, 'claude-sonnet-4-5': FIVE },
    });
    assert.deepEqual(price, {
      input: 1e-6,
      output: 2e-6,
      // Cache prices left out of config mean no discount.
      cacheRead: 1e-6,
      cacheWrite: 1e-6,
      cacheWrite1h: 1e-6,
      source: 'config',
      catalogueModel: 'claude-sonnet-4-5',
    });
  });

  it('converts every config price from per-million to per-token', () => {
    const price = resolveModelPrice({
      model: 'claude-sonnet-4-5',
      override: {
        input_per_mtok: 3,
        output_per_mtok: 15,
        cache_read_per_mtok: 0.3,
        cache_write_per_mtok: 3.75,
        cache_write_1h_per_mtok: 6,
      },
    });
    assert.equal(price?.input, 3e-6);
    assert.equal(price?.output, 15e-6);
    assert.equal(price?.cacheRead, 0.3e-6);
    assert.equal(price?.cacheWrite, 3.75e-6);
    assert.equal(price?.cacheWrite1h, 6e-6);
  });

  it('uses the global pricing map by model name, before price_as and the catalogue', () => {
    const price = resolveModelPrice({
      model: 'gpt-4o',
      priceAs: 'claude-sonnet-4-5',
      overrides: { 'gpt-4o': FIVE, 'claude-sonnet-4-5': ONE },
    });
    assert.equal(price?.input, 5e-6);
    assert.equal(price?.source, 'config');
  });

  it('uses the global pricing map by price_as name, then by the matched catalogue name', () => {
    assert.equal(
      resolveModelPrice({ model: 'local-llama', priceAs: 'claude-sonnet-4-5', overrides: { 'claude-sonnet-4-5': ONE } })
        ?.input,
      1e-6,
    );
    const dated = resolveModelPrice({ model: 'claude-sonnet-4-5-20991231', overrides: { 'claude-sonnet-4-5': FIVE } });
    assert.equal(dated?.input, 5e-6);
    assert.equal(dated?.catalogueModel, 'claude-sonnet-4-5');
  });

  it('prices a stand-in like the catalogue model named by price_as', () => {
    const price = resolveModelPrice({ model: 'llama-3.3-70b-q4', priceAs: 'groq/llama-3.3-70b-versatile' });
    assert.equal(price?.catalogueModel, 'groq/llama-3.3-70b-versatile');
    assert.equal(price?.input, 5.9e-7);
    assert.equal(price?.source, 'catalogue');
    // price_as wins over the model's own catalogue entry.
    assert.equal(resolveModelPrice({ model: 'gpt-4o', priceAs: 'gpt-4o-mini' })?.catalogueModel, 'gpt-4o-mini');
  });

  it('falls back to the catalogue, using the provider to find prefixed names', () => {
    const price = resolveModelPrice({ model: 'deepseek-chat', provider: 'deepseek', overrides: { other: ONE } });
    assert.equal(price?.catalogueModel, 'deepseek/deepseek-chat');
    assert.equal(price?.cacheRead, 2.8e-8);
  });

  it('returns undefined for a model nothing prices, and for a price_as that names nothing', () => {
    assert.equal(resolveModelPrice({ model: 'mystery-model', provider: 'openai-compatible' }), undefined);
    assert.equal(resolveModelPrice({ model: 'gpt-4o', priceAs: 'gpt-4o-typo-model' }), undefined);
  });

  it('ignores inherited object keys in the pricing map', () => {
    assert.equal(resolveModelPrice({ model: 'constructor', overrides: {} }), undefined);
  });
});
