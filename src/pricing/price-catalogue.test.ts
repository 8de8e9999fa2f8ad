import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CATALOGUE_DATE, lookupCatalogueEntry, lookupCataloguePrice } from './price-catalogue.js';

describe('lookupCataloguePrice', () => {
  it('states the date of its prices', () => {
    assert.equal(CATALOGUE_DATE, '2026-08-01');
  });

  it('finds exact names with their per-token prices', () => {
    assert.deepEqual(lookupCataloguePrice('gpt-4o'), {
      input: 2.5e-6,
      output: 10e-6,
      cacheRead: 1.25e-6,
      // OpenAI charges no premium to write its automatic cache.
      cacheWrite: 2.5e-6,
      cacheWrite1h: 2.5e-6,
      batchInput: 1.25e-6,
      batchOutput: 5e-6,
      source: 'catalogue',
      catalogueModel: 'gpt-4o',
    });
    const sonnet = lookupCataloguePrice('claude-sonnet-4-5');
    assert.equal(sonnet?.cacheWrite, 3.75e-6);
    assert.equal(sonnet?.cacheWrite1h, 6e-6);
    assert.deepEqual(sonnet?.longContext, {
      thresholdTokens: 200_000,
      input: 6e-6,
      output: 22.5e-6,
      cacheRead: 6e-7,
      cacheWrite: 7.5e-6,
      cacheWrite1h: 12e-6,
    });
  });

  it('matches dated snapshots: listed ones exactly, unlisted ones by their undated name', () => {
    assert.equal(lookupCatalogueEntry('claude-sonnet-4-5-20250929')?.name, 'claude-sonnet-4-5-20250929');
    assert.equal(lookupCatalogueEntry('gpt-4o-2024-08-06')?.name, 'gpt-4o-2024-08-06');
    assert.equal(lookupCatalogueEntry('claude-sonnet-4-5-20991231')?.name, 'claude-sonnet-4-5');
    assert.equal(lookupCatalogueEntry('gpt-4o-2099-01-01')?.name, 'gpt-4o');
    // An undated alias whose catalogue entries are all dated resolves to the newest snapshot.
    assert.equal(lookupCatalogueEntry('claude-3-haiku')?.name, 'claude-3-haiku-20240307');
  });

  it('matches provider-prefixed names both ways', () => {
    assert.equal(lookupCatalogueEntry('anthropic/claude-sonnet-4-5')?.name, 'claude-sonnet-4-5');
    assert.equal(lookupCatalogueEntry('deepseek-chat', 'deepseek')?.name, 'deepseek/deepseek-chat');
    assert.equal(lookupCatalogueEntry('deepseek/deepseek-chat')?.name, 'deepseek/deepseek-chat');
    assert.equal(lookupCatalogueEntry('llama-3.3-70b-versatile', 'groq')?.name, 'groq/llama-3.3-70b-versatile');
    assert.equal(lookupCatalogueEntry('openai/gpt-4o', 'openrouter')?.name, 'openrouter/openai/gpt-4o');
    assert.equal(
      lookupCatalogueEntry('meta-llama/Llama-3.3-70B-Instruct-Turbo', 'together')?.name,
      'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo',
    );
    assert.equal(lookupCatalogueEntry('GPT-4o', 'openai')?.name, 'gpt-4o');
  });

  it('returns undefined for unknown models rather than a zero price', () => {
    assert.equal(lookupCataloguePrice('no-such-model'), undefined);
    assert.equal(lookupCataloguePrice('simulated/fast', 'simulated'), undefined);
    assert.equal(lookupCataloguePrice(''), undefined);
  });

  it('bills cache reads at the input price where no discount is listed', () => {
    const grok = lookupCataloguePrice('grok-4', 'xai');
    assert.equal(grok?.catalogueModel, 'xai/grok-4');
    assert.equal(grok?.cacheRead, grok?.input);
  });

  it('prices 1-hour cache writes like 5-minute ones where no 1-hour price is listed', () => {
    const opus = lookupCataloguePrice('claude-4-opus-20250514');
    assert.equal(opus?.cacheWrite, 18.75e-6);
    assert.equal(opus?.cacheWrite1h, 18.75e-6);
  });
});
