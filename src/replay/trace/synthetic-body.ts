import type { ChatBody } from './trace-request.js';

/**
 * Tokens a one-message prompt costs beyond its text: 3 framing tokens for the message and 3 priming
 * the reply (OpenAI's count, which the simulated provider follows), so that a synthetic prompt of a
 * recorded size is billed exactly that size.
 */
export const ONE_MESSAGE_OVERHEAD_TOKENS = 6;

/** Request headers for synthetic filler prompts: the exact cache still runs, the semantic cache stays out. */
export const CONTENT_FREE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-tollgate-cache': 'exact-only',
});

/** A Chat Completions body of one user message made of the given text parts. */
export function syntheticBody(options: { parts: readonly string[]; maxTokens: number }): ChatBody {
  return {
    model: 'auto',
    messages: [{ role: 'user', content: options.parts.map((text) => ({ type: 'text', text })) }],
    max_tokens: Math.max(1, Math.floor(options.maxTokens)),
  };
}
