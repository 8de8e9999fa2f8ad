import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFixture } from './__fixtures__/replay-transport.js';
import { mapUsage } from './map-usage.js';
import { openAiUsageSchema } from './openai-wire-schemas.js';

function usageOf(fixture: string) {
  const body = JSON.parse(readFixture(fixture)) as { usage: unknown };
  return mapUsage(openAiUsageSchema.parse(body.usage));
}

describe('mapUsage', () => {
  it('takes OpenAI cached tokens out of prompt_tokens', () => {
    const usage = usageOf('chat-cached-tokens.json');
    assert.equal(usage.uncachedInputTokens, 2006 - 1920);
    assert.equal(usage.cacheReadInputTokens, 1920);
    assert.equal(usage.outputTokens, 300);
  });

  it("prefers DeepSeek's hit/miss split", () => {
    assert.deepEqual(usageOf('deepseek-chat-reasoner.json'), {
      uncachedInputTokens: 134,
      cacheReadInputTokens: 1408,
      cacheWriteInputTokens: 0,
      cacheWrite1hInputTokens: 0,
      outputTokens: 412,
      reasoningTokens: 351,
      source: 'reported',
    });
  });

  it("reads OpenRouter's cache writes, which are part of prompt_tokens", () => {
    const usage = usageOf('openrouter-chat.json');
    assert.equal(usage.cacheWriteInputTokens, 3180);
    assert.equal(usage.uncachedInputTokens, 14);
    assert.equal(usage.cacheReadInputTokens, 0);
  });

  it('reads DeepSeek hit tokens alone, and never goes negative on inconsistent details', () => {
    assert.equal(
      mapUsage(openAiUsageSchema.parse({ prompt_tokens: 100, completion_tokens: 1, prompt_cache_hit_tokens: 64 }))
        .uncachedInputTokens,
      36,
    );
    const odd = mapUsage(
      openAiUsageSchema.parse({
        prompt_tokens: 10,
        completion_tokens: 2,
        prompt_tokens_details: { cached_tokens: 50 },
        completion_tokens_details: { reasoning_tokens: 9 },
      }),
    );
    assert.equal(odd.uncachedInputTokens, 0);
    assert.equal(odd.cacheReadInputTokens, 10);
    assert.equal(odd.reasoningTokens, 2);
  });

  it('accepts the nulls local servers send', () => {
    const usage = mapUsage(
      openAiUsageSchema.parse({
        prompt_tokens: 12,
        completion_tokens: 5,
        total_tokens: 17,
        prompt_tokens_details: null,
        completion_tokens_details: null,
      }),
    );
    assert.equal(usage.uncachedInputTokens, 12);
    assert.equal(usage.outputTokens, 5);
  });
});
