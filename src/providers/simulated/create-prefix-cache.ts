import { hashTokenPrefixes } from './hash-text.js';
import type { CacheTtl } from './simulated-prompt.js';

/** OpenAI caches prompts of at least this many tokens… */
export const AUTOMATIC_CACHE_MINIMUM_TOKENS = 1024;
/** …and reports hits in steps of this many tokens. See https://platform.openai.com/docs/guides/prompt-caching */
export const AUTOMATIC_CACHE_INCREMENT_TOKENS = 128;
/** OpenAI keeps an idle prefix for 5–10 minutes; the simulator takes the upper end. */
const AUTOMATIC_CACHE_TTL_MS = 10 * 60_000;
/** How many earlier block boundaries Anthropic checks for a hit before each breakpoint. */
const LOOKBACK_BLOCKS = 20;
const TTL_MS: Record<CacheTtl, number> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** Cache accounting for one Anthropic-style request. */
export interface ExplicitCacheResult {
  /** Prefix tokens read from the cache. */
  readTokens: number;
  /** Prefix tokens written to the cache (all lifetimes). */
  writtenTokens: number;
  /** Of `writtenTokens`, those written with the one-hour lifetime. */
  written1hTokens: number;
}

/** A provider's prefix cache: bounded, keyed by token-prefix hashes, expiring on the injected clock. */
export interface PrefixCache {
  /**
   * OpenAI-style automatic caching: the longest previously seen prefix (≥ 1024 tokens, in 128-token
   * steps) is a hit; every step of this prompt is remembered for the next request.
   */
  matchAutomatic(input: { namespace: string; tokens: readonly number[]; now: number }): number;
  /**
   * Anthropic-style explicit caching: the prefix up to a `cache_control` breakpoint is written the
   * first time and read afterwards while alive; a read refreshes its lifetime. Breakpoints shorter
   * than `minimumTokens` are ignored, as Anthropic does.
   */
  applyBreakpoints(input: {
    namespace: string;
    tokens: readonly number[];
    breakpoints: readonly { length: number; ttl: CacheTtl }[];
    blockEnds: readonly number[];
    minimumTokens: number;
    now: number;
  }): ExplicitCacheResult;
  /** Entries held now. */
  readonly size: number;
}

interface Entry {
  expiresAt: number;
  ttlMs: number;
}

/** Creates an empty prefix cache holding at most `maxEntries` prefixes (least recently used go first). */
export function createPrefixCache(options: { maxEntries: number }): PrefixCache {
  // A Map iterates in insertion order, so deleting and re-inserting on use makes it an LRU.
  const entries = new Map<string, Entry>();

  const read = (key: string, now: number): Entry | undefined => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    entries.set(key, entry);
    return entry;
  };
  const write = (key: string, entry: Entry): void => {
    entries.delete(key);
    entries.set(key, entry);
    while (entries.size > options.maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  return {
    get size() {
      return entries.size;
    },

    matchAutomatic({ namespace, tokens, now }) {
      const lengths: number[] = [];
      for (
        let length = AUTOMATIC_CACHE_MINIMUM_TOKENS;
        length <= tokens.length;
        length += AUTOMATIC_CACHE_INCREMENT_TOKENS
      ) {
        lengths.push(length);
      }
      if (lengths.length === 0) return 0;
      const keys = hashTokenPrefixes(tokens, lengths).map((hash) => `${namespace}|${hash}`);
      let cached = 0;
      for (let index = keys.length - 1; index >= 0; index--) {
        if (read(keys[index] ?? '', now)) {
          cached = lengths[index] ?? 0;
          break;
        }
      }
      for (const key of keys) write(key, { expiresAt: now + AUTOMATIC_CACHE_TTL_MS, ttlMs: AUTOMATIC_CACHE_TTL_MS });
      return cached;
    },

    applyBreakpoints({ namespace, tokens, breakpoints, blockEnds, minimumTokens, now }) {
      const usable = breakpoints.filter((breakpoint) => breakpoint.length >= minimumTokens);
      if (usable.length === 0) return { readTokens: 0, writtenTokens: 0, written1hTokens: 0 };
      const candidates = new Set<number>();
      for (const breakpoint of usable) {
        candidates.add(breakpoint.length);
        const before = blockEnds.filter((end) => end < breakpoint.length && end >= minimumTokens);
        for (const end of before.slice(-LOOKBACK_BLOCKS)) candidates.add(end);
      }
      const lengths = [...candidates].sort((left, right) => right - left);
      const keys = hashTokenPrefixes(tokens, lengths).map((hash) => `${namespace}|${hash}`);
      let readTokens = 0;
      for (let index = 0; index < lengths.length; index++) {
        const entry = read(keys[index] ?? '', now);
        if (entry) {
          readTokens = lengths[index] ?? 0;
          entry.expiresAt = now + entry.ttlMs;
          break;
        }
      }
      let writtenTokens = 0;
      let written1hTokens = 0;
      let previous = readTokens;
      const breakpointKeys = hashTokenPrefixes(
        tokens,
        usable.map((breakpoint) => breakpoint.length),
      ).map((hash) => `${namespace}|${hash}`);
      usable.forEach((breakpoint, index) => {
        const key = breakpointKeys[index] ?? '';
        const ttlMs = TTL_MS[breakpoint.ttl];
        if (breakpoint.length <= readTokens) {
          const entry = read(key, now);
          if (entry) entry.expiresAt = now + entry.ttlMs;
          return;
        }
        const segment = breakpoint.length - previous;
        writtenTokens += segment;
        if (breakpoint.ttl === '1h') written1hTokens += segment;
        previous = breakpoint.length;
        write(key, { expiresAt: now + ttlMs, ttlMs });
      });
      return { readTokens, writtenTokens, written1hTokens };
    },
  };
}
