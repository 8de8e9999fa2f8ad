import { encoder } from '../../tokens/count-tokens.js';

// One copy of the tokenizer tables per process, loaded on first use (see src/tokens).
const encode = (text: string, options: { disallowedSpecial: Set<string> }): number[] =>
  encoder('o200k_base').encode(text, options);
const decode = (tokens: readonly number[]): string => encoder('o200k_base').decode(tokens);

/** Special-token text in a prompt is ordinary text to a tokenizer counting it, never an error. */
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * Every text is memoised: long system prompts repeat across requests, and so do the short pieces
 * replayed prompts are assembled from; a tokenizer call costs tens of microseconds even for a few
 * tokens, a lookup far less. The memory bound below holds whatever the texts' sizes.
 */
const MEMO_MIN_CHARS = 1;
/** Memory bound of the memo, in tokens held (a few MB), whatever the texts' sizes. */
const MEMO_MAX_TOKENS = 1_000_000;
const memo = new Map<string, readonly number[]>();
let memoTokens = 0;

/** The o200k_base tokens of a text (the encoding of GPT-4o and later). */
export function encodeText(text: string): readonly number[] {
  if (text.length < MEMO_MIN_CHARS) return encode(text, PLAIN_TEXT);
  // Oldest first out, without moving entries on a hit: refreshing costs two more lookups, each of
  // which compares the whole text (a long prompt arrives as a new string every time), and the texts
  // that repeat are met again soon after they are evicted.
  const known = memo.get(text);
  if (known) return known;
  const tokens = encode(text, PLAIN_TEXT);
  if (tokens.length > MEMO_MAX_TOKENS / 4) return tokens;
  memo.set(text, tokens);
  memoTokens += tokens.length;
  while (memoTokens > MEMO_MAX_TOKENS) {
    const oldest = memo.entries().next();
    if (oldest.done) break;
    memo.delete(oldest.value[0]);
    memoTokens -= oldest.value[1].length;
  }
  return tokens;
}

/** How many o200k_base tokens a text has. */
export function countTextTokens(text: string): number {
  return encodeText(text).length;
}

/** The first `limit` tokens of a text, as text (for answers cut by a token limit). */
export function truncateToTokens(text: string, limit: number): string {
  const tokens = encodeText(text);
  return tokens.length <= limit ? text : decode(tokens.slice(0, Math.max(0, limit)));
}
