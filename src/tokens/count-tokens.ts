import { createRequire } from 'node:module';
import type { GptEncoding } from 'gpt-tokenizer/GptEncoding';
import { LRUCache } from 'lru-cache';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Message } from '../spec/message.js';

/** The BPE encodings the gateway counts with. */
export type TokenEncoding = 'o200k_base' | 'cl100k_base';

/** The tokens counted per message besides its content (`<|start|>{role}\n … <|end|>`), per OpenAI's cookbook. */
export const TOKENS_PER_MESSAGE = 3;

/** Every reply is primed with `<|start|>assistant<|message|>`, per OpenAI's cookbook. */
export const REPLY_PRIMING_TOKENS = 3;

/**
 * A fixed estimate per image, since the gateway does not decode images to learn their size.
 * A 1024×1024 image costs 765 tokens at OpenAI (high detail: 4 tiles × 170 + 85) and about 1,400
 * at Anthropic (width × height / 750); the larger is used so that budget reservations err high.
 */
export const IMAGE_TOKEN_ESTIMATE = 1_400;

// The encodings load on first use (o200k takes 0.4–0.8 s and ~73 MB, cl100k 0.1–0.3 s and ~12 MB), so a
// gateway that only ever counts one never pays for the other. `require` keeps the load synchronous,
// which matters on the hot path; the CommonJS build is the same code as the ESM one.
const require = createRequire(import.meta.url);
const encoders: Partial<Record<TokenEncoding, GptEncoding>> = {};

// User text may contain strings such as `<|endoftext|>`; they are text to count, not control tokens.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * BPE in JavaScript costs about 0.3 µs per token (the Unicode split regex dominates), while most of a
 * prompt repeats between requests: the system prompt, and in a conversation every earlier turn. So
 * counts of longer texts are remembered, bounded by total characters (~16 MB of text per encoding).
 * Texts under 32 characters are not remembered: they would crowd the cache for little gain.
 */
const MEMO_MIN_CHARS = 32;
const MEMO_MAX_CHARS = 8_000_000;
const memos: Partial<Record<TokenEncoding, LRUCache<string, number>>> = {};

function memo(encoding: TokenEncoding): LRUCache<string, number> {
  let cache = memos[encoding];
  if (cache === undefined) {
    cache = new LRUCache<string, number>({
      max: 50_000,
      maxSize: MEMO_MAX_CHARS,
      sizeCalculation: (_count, text) => text.length,
    });
    memos[encoding] = cache;
  }
  return cache;
}

/**
 * The encoding itself (loaded on first use, once per process): every part of the gateway that needs
 * a tokenizer goes through here, so the ~70 MB of tables exist once.
 */
export function encoder(encoding: TokenEncoding): GptEncoding {
  let loaded = encoders[encoding];
  if (loaded === undefined) {
    loaded = require(`gpt-tokenizer/cjs/encoding/${encoding}`) as GptEncoding;
    encoders[encoding] = loaded;
  }
  return loaded;
}

/**
 * Loads an encoding now rather than on the first request that needs it (a server calls this at
 * start-up so that no request waits for the tokenizer to load).
 */
export function preloadEncoding(encoding: TokenEncoding): void {
  encoder(encoding);
}

/** Number of tokens in `text` under `encoding` (default `o200k_base`, today's OpenAI models). */
export function countTextTokens(text: string, encoding: TokenEncoding = 'o200k_base'): number {
  if (text.length === 0) return 0;
  if (text.length < MEMO_MIN_CHARS || text.length > MEMO_MAX_CHARS)
    return encoder(encoding).countTokens(text, PLAIN_TEXT);
  const cache = memo(encoding);
  let count = cache.get(text);
  if (count === undefined) {
    count = encoder(encoding).countTokens(text, PLAIN_TEXT);
    cache.set(text, count);
  }
  return count;
}

/** OpenAI models on o200k_base: GPT-4o, GPT-4.1, GPT-4.5, GPT-5, the o-series, gpt-oss and their kin. */
const O200K_MODEL =
  /^(?:gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|gpt-realtime|gpt-audio|chatgpt-|codex-|computer-use|o\d)/;

/**
 * The encoding to count a model's tokens with. OpenAI's current models use o200k_base; GPT-4,
 * GPT-3.5 and OpenAI's embedding models use cl100k_base. Other providers' tokenizers are not
 * public in a usable form (Anthropic's) or differ per model (Llama, Qwen, DeepSeek, Mistral, Gemini),
 * so cl100k_base stands in for them as an approximation only (Anthropic's tokenizer, for one, tends
 * to produce more tokens for the same text). It counts more than o200k_base on most text, which keeps
 * budget estimates on the safe side; names such as `auto` or a tier get it for the same reason.
 * Usage the provider reports always replaces these estimates in the ledger.
 */
export function encodingForModel(model: string): TokenEncoding {
  const name = (model.split('/').at(-1) ?? model).toLowerCase().replace(/^ft:/, '');
  return O200K_MODEL.test(name) ? 'o200k_base' : 'cl100k_base';
}

/**
 * Estimated input tokens of a chat request before it is sent (budget reservation, the max input
 * token check, and a stream cut before the provider reported usage). Follows OpenAI's cookbook
 * (https://github.com/openai/openai-cookbook/blob/main/examples/How_to_count_tokens_with_tiktoken.ipynb):
 * 3 tokens per message plus its role and content, plus 3 to prime the reply. Tool definitions and
 * a JSON schema response format are counted as their JSON text (providers render them into the
 * prompt in their own, similar-sized form); each image counts {@link IMAGE_TOKEN_ESTIMATE}.
 *
 * @param request the request
 * @param encoding the encoding to use; by default the one {@link encodingForModel} picks for `request.model`
 */
export function countChatRequestTokens(request: ChatRequest, encoding?: TokenEncoding): number {
  const chosen = encoding ?? encodingForModel(request.model);
  let total = REPLY_PRIMING_TOKENS;
  for (const message of request.messages) total += countMessageTokens(message, chosen);
  if (request.tools !== undefined) {
    for (const tool of request.tools) {
      total += countTextTokens(
        JSON.stringify({ name: tool.name, description: tool.description, parameters: tool.parameters }),
        chosen,
      );
    }
  }
  const format = request.responseFormat;
  if (format?.type === 'json_schema') {
    total += countTextTokens(JSON.stringify({ name: format.name, schema: format.schema }), chosen);
  }
  return total;
}

/**
 * Tokens of generated text, for a stream that ended before the provider reported usage.
 *
 * @param text everything the model produced: answer text, reasoning text and tool-call arguments
 * @param encoding as {@link encodingForModel} picks for the model that produced it
 */
export function countOutputTokens(text: string, encoding: TokenEncoding = 'o200k_base'): number {
  return countTextTokens(text, encoding);
}

function countMessageTokens(message: Message, encoding: TokenEncoding): number {
  // Every role name (`system`, `user`, `assistant`, `tool`) is a single token in both encodings.
  let total = TOKENS_PER_MESSAGE + 1;
  for (const part of message.content) {
    switch (part.type) {
      case 'text':
        total += countTextTokens(part.text, encoding);
        break;
      case 'image':
        total += IMAGE_TOKEN_ESTIMATE;
        break;
      // Earlier reasoning is counted although some providers drop it from context: an estimate
      // that errs high only makes a budget reservation a little larger.
      case 'reasoning':
        total += countTextTokens(part.text, encoding);
        break;
      case 'tool-call':
        total += countTextTokens(part.name, encoding) + countTextTokens(part.arguments, encoding);
        break;
      case 'tool-result':
        for (const content of part.content) total += countTextTokens(content.text, encoding);
        break;
      default:
        return assertNever(part);
    }
  }
  return total;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected message part: ${JSON.stringify(value)}`);
}
