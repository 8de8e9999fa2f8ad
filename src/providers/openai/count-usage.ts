import type { ChatRequest, ChatResponse, Usage } from '../../spec/index.js';
import { countTextTokens as countTokens } from '../../tokens/count-tokens.js';

// OpenAI's documented chat framing: about three tokens per message plus three to prime the reply.
const TOKENS_PER_MESSAGE = 3;
const TOKENS_TO_PRIME_REPLY = 3;

/**
 * Counts usage with a real tokenizer (o200k) for a server that reported none. The result says
 * `source: 'counted'`: it is an estimate of what the provider would bill, not its word.
 */
export async function countUsage(options: { request: ChatRequest; content: ChatResponse['content'] }): Promise<Usage> {
  let inputTokens = TOKENS_TO_PRIME_REPLY;
  for (const message of options.request.messages) {
    inputTokens += TOKENS_PER_MESSAGE;
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') inputTokens += countTokens(part.text);
      else if (part.type === 'tool-call') inputTokens += countTokens(part.name) + countTokens(part.arguments);
      else if (part.type === 'tool-result') {
        for (const text of part.content) inputTokens += countTokens(text.text);
      }
    }
  }
  for (const tool of options.request.tools ?? []) {
    inputTokens += countTokens(`${tool.name}\n${tool.description ?? ''}\n${JSON.stringify(tool.parameters)}`);
  }
  let outputTokens = 0;
  let reasoningTokens = 0;
  for (const part of options.content) {
    if (part.type === 'text') outputTokens += countTokens(part.text);
    else if (part.type === 'reasoning') reasoningTokens += countTokens(part.text);
    else outputTokens += countTokens(part.name) + countTokens(part.arguments);
  }
  return {
    uncachedInputTokens: inputTokens,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: outputTokens + reasoningTokens,
    reasoningTokens,
    source: 'counted',
  };
}

/** Counts the tokens of plain texts (embedding inputs) for a server that reported none. */
export async function countTextTokens(texts: string[]): Promise<number> {
  return texts.reduce((sum, text) => sum + countTokens(text), 0);
}
