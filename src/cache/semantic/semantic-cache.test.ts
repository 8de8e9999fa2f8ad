import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHashingEmbedder } from './__fixtures__/create-hashing-embedder.js';
import type { SemanticScope } from './create-scope-key.js';
import { SemanticCache } from './semantic-cache.js';
import type { VerifierOptions } from './verify-match.js';

const scope: SemanticScope = {
  tenant: 'acme',
  modelTier: 'fast',
  systemPrompt: 'You are a helpful assistant.',
  sampling: { temperature: 0, max_tokens: 256 },
};
const question = 'How do I reset my router password at home';
const paraphrase = 'how do I reset my router password at home?';

function createCache(options: { now?: () => number; maxEntries?: number; verifier?: VerifierOptions } = {}) {
  return new SemanticCache<string>({ embedder: createHashingEmbedder(), ...options });
}

describe('SemanticCache', () => {
  it('serves a stored answer to the same question in the same scope, with its similarity and threshold', async () => {
    const cache = createCache();
    const stored = await cache.store({ scope, text: question, value: 'Hold the reset button for 10 seconds.' });
    assert.equal(stored.stored, true);
    const result = await cache.lookup({ scope, text: paraphrase });
    assert.equal(result.hit, true);
    if (!result.hit) return;
    assert.equal(result.value, 'Hold the reset button for 10 seconds.');
    assert.ok(result.similarity >= result.threshold);
    assert.equal(result.threshold, 0.9);
    assert.equal(result.entryId, stored.stored ? stored.entryId : '');
  });

  it('never answers across tenant, model tier, system prompt or sampling settings', async () => {
    const cache = createCache();
    await cache.store({ scope, text: question, value: 'acme answer' });
    const others: SemanticScope[] = [
      { ...scope, tenant: 'globex' },
      { ...scope, modelTier: 'premium' },
      { ...scope, systemPrompt: 'You are a pirate.' },
      { ...scope, systemPrompt: undefined },
      { ...scope, sampling: { temperature: 0.7, max_tokens: 256 } },
    ];
    for (const other of others) {
      const result = await cache.lookup({ scope: other, text: question });
      assert.equal(result.hit, false, `crossed into ${JSON.stringify(other)}`);
      assert.equal(result.hit ? '' : result.reason, 'empty-scope');
    }
    // Key order of the sampling settings is not part of the scope.
    const reordered = await cache.lookup({
      scope: { ...scope, sampling: { max_tokens: 256, temperature: 0 } },
      text: question,
    });
    assert.equal(reordered.hit, true);
  });

  it('expires entries after their TTL (injected clock) and reports it', async () => {
    let now = 1_000_000;
    const cache = createCache({ now: () => now });
    await cache.store({ scope, text: question, value: 'answer', ttlMs: 60_000 });
    now += 59_999;
    assert.equal((await cache.lookup({ scope, text: question })).hit, true);
    now += 1;
    const expired = await cache.lookup({ scope, text: question });
    assert.equal(expired.hit, false);
    assert.equal(expired.hit ? '' : expired.reason, 'expired');
    assert.equal(cache.size, 0);
    assert.equal(cache.stats().expirations, 1);
  });

  it('stays within its size bound by evicting the least recently used entry', async () => {
    const cache = createCache({ maxEntries: 3 });
    const texts = ['alpha topic question one', 'beta subject query two', 'gamma matter ask three'];
    for (const text of texts) await cache.store({ scope, text, value: text });
    // Use the first entry so the second becomes the least recently used.
    assert.equal((await cache.lookup({ scope, text: texts[0] as string })).hit, true);
    await cache.store({ scope, text: 'delta thing wonder four', value: 'delta' });
    assert.equal(cache.size, 3);
    assert.equal((await cache.lookup({ scope, text: texts[1] as string })).hit, false);
    assert.equal((await cache.lookup({ scope, text: texts[0] as string })).hit, true);
    assert.equal((await cache.lookup({ scope, text: texts[2] as string })).hit, true);
    assert.equal(cache.stats().evictions, 1);
  });

  it('lets the verifier reject a near neighbour whose numbers differ', async () => {
    const cache = createCache();
    await cache.store({
      scope,
      text: 'What was the total population of France in the year 2010 according to the national census',
      value: '65 million',
    });
    const result = await cache.lookup({
      scope,
      text: 'What was the total population of France in the year 2020 according to the national census',
    });
    assert.equal(result.hit, false);
    assert.equal(result.hit ? '' : result.reason, 'verifier:numbers-differ');
  });

  it('neither stores nor answers prompts carrying PII or secrets, nor configured patterns', async () => {
    const cache = new SemanticCache<string>({
      embedder: createHashingEmbedder(),
      exclusionPatterns: [/\bproject falcon\b/i],
    });
    const withEmail = 'Write a reply to jane.doe@example.com about the invoice';
    assert.deepEqual(await cache.store({ scope, text: withEmail, value: 'x' }), {
      stored: false,
      reason: 'excluded',
      exclusion: 'email',
    });
    const lookup = await cache.lookup({ scope, text: withEmail });
    assert.equal(lookup.hit ? '' : lookup.reason, 'excluded');
    const custom = await cache.store({ scope, text: 'Summarise Project Falcon status', value: 'x' });
    assert.equal(custom.stored, false);
    assert.equal(cache.size, 0);
  });

  it('reuses the vector of a miss when storing, embedding once', async () => {
    const embedder = createHashingEmbedder();
    const cache = new SemanticCache<string>({ embedder });
    const miss = await cache.lookup({ scope, text: question });
    assert.equal(miss.hit, false);
    await cache.store({ scope, text: question, value: 'a', vector: miss.hit ? undefined : miss.vector });
    assert.equal(embedder.calls, 1);
  });

  it('raises the threshold of a cluster after bad feedback, so that a borderline hit becomes a miss', async () => {
    // The classifier would refuse this rewording anyway; with it relaxed, only the threshold decides.
    const cache = createCache({ verifier: { minProbability: 0 } });
    await cache.store({
      scope,
      text: 'how do I reset the password of my home wifi router from the admin page',
      value: 'answer',
    });
    // Same content words, one stop word changed: close, but not identical.
    const borderline = 'how do I reset the password of my home wifi router from an admin page';
    const first = await cache.lookup({ scope, text: borderline });
    assert.equal(first.hit, true);
    if (!first.hit) return;
    let threshold = first.threshold;
    while (threshold <= first.similarity) {
      const next = cache.recordHitFeedback({ entryId: first.entryId, good: false });
      assert.ok(next !== undefined && next > threshold);
      threshold = next;
    }
    const second = await cache.lookup({ scope, text: borderline });
    assert.equal(second.hit, false);
    assert.equal(second.hit ? '' : second.reason, 'below-threshold');
    assert.equal(cache.thresholdOf(first.clusterId), threshold);
  });

  it('clears everything and counts what happened', async () => {
    const cache = createCache();
    await cache.store({ scope, text: question, value: 'a' });
    await cache.lookup({ scope, text: question });
    await cache.lookup({ scope: { ...scope, tenant: 'other' }, text: question });
    const stats = cache.stats();
    assert.equal(stats.lookups, 2);
    assert.equal(stats.hits, 1);
    assert.equal(stats.misses['empty-scope'], 1);
    assert.equal(stats.entries, 1);
    assert.equal(stats.scopes, 1);
    await cache.clear();
    assert.equal(cache.size, 0);
    assert.equal((await cache.lookup({ scope, text: question })).hit, false);
  });
});
