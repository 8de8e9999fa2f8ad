import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPrefixCache } from './create-prefix-cache.js';

const tokens = (length: number, offset = 0): number[] => Array.from({ length }, (_, index) => index + offset);

describe('createPrefixCache: automatic (OpenAI-style)', () => {
  it('caches nothing below 1024 tokens and hits the longest seen prefix in 128-token steps', () => {
    const cache = createPrefixCache({ maxEntries: 1000 });
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(1000), now: 0 }), 0);
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(1000), now: 1 }), 0);
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(1500), now: 2 }), 0);
    // Same first 1400 tokens, then different: the longest shared step is 1280.
    const next = [...tokens(1400), ...tokens(300, 50_000)];
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: next, now: 3 }), 1280);
    assert.equal(cache.matchAutomatic({ namespace: 'other-model', tokens: next, now: 4 }), 0);
  });

  it('forgets an idle prefix after ten minutes', () => {
    const cache = createPrefixCache({ maxEntries: 1000 });
    cache.matchAutomatic({ namespace: 'm', tokens: tokens(2048), now: 0 });
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(2048), now: 9 * 60_000 }), 2048);
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(2048), now: 30 * 60_000 }), 0);
  });

  it('never holds more than its bound, dropping the least recently used', () => {
    const cache = createPrefixCache({ maxEntries: 16 });
    for (let index = 0; index < 50; index++) {
      cache.matchAutomatic({ namespace: 'm', tokens: tokens(2048, index * 10_000), now: index });
      assert.ok(cache.size <= 16);
    }
    assert.equal(cache.matchAutomatic({ namespace: 'm', tokens: tokens(2048, 0), now: 100 }), 0);
  });
});

describe('createPrefixCache: breakpoints (Anthropic-style)', () => {
  const apply = (
    cache: ReturnType<typeof createPrefixCache>,
    input: { length: number; breakpoints: { length: number; ttl: '5m' | '1h' }[]; now: number },
  ) =>
    cache.applyBreakpoints({
      namespace: 'claude',
      tokens: tokens(input.length),
      breakpoints: input.breakpoints,
      blockEnds: input.breakpoints.map((breakpoint) => breakpoint.length),
      minimumTokens: 1024,
      now: input.now,
    });

  it('writes the prefix the first time and reads it afterwards', () => {
    const cache = createPrefixCache({ maxEntries: 100 });
    const breakpoints = [{ length: 1500, ttl: '5m' as const }];
    assert.deepEqual(apply(cache, { length: 1600, breakpoints, now: 0 }), {
      readTokens: 0,
      writtenTokens: 1500,
      written1hTokens: 0,
    });
    assert.deepEqual(apply(cache, { length: 1700, breakpoints, now: 1000 }), {
      readTokens: 1500,
      writtenTokens: 0,
      written1hTokens: 0,
    });
  });

  it('ignores a breakpoint below the minimum cacheable length', () => {
    const cache = createPrefixCache({ maxEntries: 100 });
    const breakpoints = [{ length: 800, ttl: '5m' as const }];
    assert.deepEqual(apply(cache, { length: 900, breakpoints, now: 0 }), {
      readTokens: 0,
      writtenTokens: 0,
      written1hTokens: 0,
    });
  });

  it('expires after 5 minutes unless read, and after an hour with ttl 1h', () => {
    const cache = createPrefixCache({ maxEntries: 100 });
    const short = [{ length: 1200, ttl: '5m' as const }];
    apply(cache, { length: 1300, breakpoints: short, now: 0 });
    assert.equal(
      apply(cache, { length: 1300, breakpoints: short, now: 4 * 60_000 }).readTokens,
      1200,
      'read refreshes',
    );
    assert.equal(apply(cache, { length: 1300, breakpoints: short, now: 8 * 60_000 }).readTokens, 1200);
    const expired = apply(cache, { length: 1300, breakpoints: short, now: 14 * 60_000 });
    assert.deepEqual(expired, { readTokens: 0, writtenTokens: 1200, written1hTokens: 0 });

    const long = createPrefixCache({ maxEntries: 100 });
    const hour = [{ length: 1200, ttl: '1h' as const }];
    assert.equal(apply(long, { length: 1300, breakpoints: hour, now: 0 }).written1hTokens, 1200);
    assert.equal(apply(long, { length: 1300, breakpoints: hour, now: 50 * 60_000 }).readTokens, 1200);
    assert.equal(apply(long, { length: 1300, breakpoints: hour, now: 111 * 60_000 }).readTokens, 0);
  });

  it('reads the cached head of a growing conversation and writes only the new part', () => {
    const cache = createPrefixCache({ maxEntries: 100 });
    apply(cache, { length: 1300, breakpoints: [{ length: 1200, ttl: '5m' }], now: 0 });
    const grown = cache.applyBreakpoints({
      namespace: 'claude',
      tokens: tokens(2100),
      breakpoints: [{ length: 2000, ttl: '5m' }],
      blockEnds: [1200, 1600, 2000],
      minimumTokens: 1024,
      now: 1000,
    });
    assert.deepEqual(grown, { readTokens: 1200, writtenTokens: 800, written1hTokens: 0 });
  });

  it('splits a write between lifetimes by breakpoint', () => {
    const cache = createPrefixCache({ maxEntries: 100 });
    const result = apply(cache, {
      length: 3000,
      breakpoints: [
        { length: 1100, ttl: '1h' },
        { length: 2500, ttl: '5m' },
      ],
      now: 0,
    });
    assert.deepEqual(result, { readTokens: 0, writtenTokens: 2500, written1hTokens: 1100 });
  });
});
