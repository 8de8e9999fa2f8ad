import type { ChatRequest, Message } from '../../spec/index.js';

/** The router's size estimate: about four characters a token. */
export const CHARS_PER_TOKEN = 4;
/**
 * The shortest prefix worth pricing as a cache read: OpenAI caches prompts from 1,024 tokens, and so
 * does Anthropic for Sonnet and Opus (Haiku needs more, which this estimate ignores).
 */
export const MIN_CACHED_PREFIX_TOKENS = 1_024;
/** Prefixes remembered at most (least recently sent go first): ~1 MB. */
const MAX_ENTRIES = 10_000;

/** An earlier sending of a stable prefix of this request. */
export interface PrefixSighting {
  /** Estimated tokens of the prefix. */
  tokens: number;
  /** When a request with this prefix was last routed, ms on the router's clock. */
  lastSentMs: number;
}

/** What the router remembers of the prefixes it sent. */
export interface RecentPrefixes {
  /**
   * The stable prefixes of `request` (everything before its last user message, cut at message
   * boundaries, from 1,024 estimated tokens) that an earlier routed request began with, longest
   * first; then remembers every prefix of this request, itself included, as sent at `now` (the next
   * turn of a conversation begins with this whole prompt).
   */
  observe(request: ChatRequest, now: number): PrefixSighting[];
}

/**
 * A running hash of a prompt's text (two 32-bit multiplicative lanes over UTF-16 code units, as in
 * cyrb53): read at each message boundary, with the length, as a map key. Far cheaper than a crypto
 * hash object per request, and collisions among 10,000 keys are out of reach.
 */
class PrefixHash {
  private lane1 = 0xdeadbeef;
  private lane2 = 0x41c6ce57;
  private chars = 0;

  update(text: string): void {
    let lane1 = this.lane1;
    let lane2 = this.lane2;
    for (let index = 0; index < text.length; index++) {
      const code = text.charCodeAt(index);
      lane1 = Math.imul(lane1 ^ code, 2654435761);
      lane2 = Math.imul(lane2 ^ code, 1597334677);
    }
    this.lane1 = lane1;
    this.lane2 = lane2;
    this.chars += text.length;
  }

  /** Characters hashed so far. */
  get length(): number {
    return this.chars;
  }

  key(): string {
    let lane1 = Math.imul(this.lane1 ^ (this.lane1 >>> 16), 2246822507);
    lane1 ^= Math.imul(this.lane2 ^ (this.lane2 >>> 13), 3266489909);
    let lane2 = Math.imul(this.lane2 ^ (this.lane2 >>> 16), 2246822507);
    lane2 ^= Math.imul(lane1 ^ (lane1 >>> 13), 3266489909);
    return `${this.chars}:${(lane1 >>> 0).toString(36)}:${(lane2 >>> 0).toString(36)}`;
  }
}

function feed(hash: PrefixHash, message: Message): void {
  hash.update(`\u0000${message.role}\u0000`);
  for (const part of message.content) {
    // Text is what repeats; other parts (images, tool calls and results) go in whole, so a prefix
    // matches only when they are equal too.
    hash.update(part.type === 'text' ? part.text : JSON.stringify(part));
    hash.update('\u0001');
  }
}

/**
 * A bounded memory of the prompt prefixes a router sent, keyed by a hash of the messages up to each
 * message boundary (tools first, since providers put them first). It knows nothing of deployments:
 * a prefix that recurs will be in the cache of whichever caching deployment it goes to from the
 * second time on, so the router prices recurring prefixes at that deployment's cache-read price.
 */
export function createRecentPrefixes(): RecentPrefixes {
  const sent = new Map<string, number>();
  const minChars = MIN_CACHED_PREFIX_TOKENS * CHARS_PER_TOKEN;
  return {
    observe(request, now) {
      const messages = request.messages;
      const lastUser = messages.findLastIndex((message) => message.role === 'user');
      const hash = new PrefixHash();
      if (request.tools && request.tools.length > 0) hash.update(JSON.stringify(request.tools));
      const found: PrefixSighting[] = [];
      for (let index = 0; index < messages.length; index++) {
        feed(hash, messages[index] as Message);
        if (hash.length < minChars) continue;
        const key = hash.key();
        const last = sent.get(key);
        if (last !== undefined && index < lastUser) {
          found.push({ tokens: Math.ceil(hash.length / CHARS_PER_TOKEN), lastSentMs: last });
        }
        sent.delete(key);
        sent.set(key, now);
      }
      while (sent.size > MAX_ENTRIES) {
        const oldest = sent.keys().next();
        if (oldest.done) break;
        sent.delete(oldest.value);
      }
      return found.reverse();
    },
  };
}
