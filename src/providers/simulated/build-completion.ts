import type { PrefixCache } from './create-prefix-cache.js';
import { generateAnswer } from './generate-answer.js';
import {
  createSimulatedId,
  type SimulatedCompletion,
  type SimulatedUsage,
  splitIntoPieces,
} from './simulated-completion.js';
import { type PromptTokens, type SimulatedPrompt, tokenizePrompt } from './simulated-prompt.js';
import type { ResolvedSimulatedOptions } from './simulated-provider-options.js';

/**
 * The shortest prefix Anthropic caches, by model family.
 * See https://docs.claude.com/en/docs/build-with-claude/prompt-caching#cache-limitations
 */
export function anthropicMinimumCacheTokens(model: string): number {
  const name = model.toLowerCase();
  if (/haiku-4|opus-4-5|opus-4\.5/.test(name)) return 4096;
  if (name.includes('haiku')) return 2048;
  return 1024;
}

function cacheUsage(input: {
  protocol: 'openai' | 'anthropic';
  prompt: SimulatedPrompt;
  tokens: PromptTokens;
  prefixCache: PrefixCache;
  now: number;
}): Omit<SimulatedUsage, 'outputTokens'> {
  const { tokens, prompt, now } = input;
  if (input.protocol === 'openai') {
    const cacheReadTokens = input.prefixCache.matchAutomatic({
      namespace: `openai:${prompt.model}`,
      tokens: tokens.tokens,
      now,
    });
    return { inputTokens: tokens.inputTokens, cacheReadTokens, cacheWriteTokens: 0, cacheWrite1hTokens: 0 };
  }
  const result = input.prefixCache.applyBreakpoints({
    namespace: `anthropic:${prompt.model}`,
    tokens: tokens.tokens,
    breakpoints: tokens.breakpoints,
    blockEnds: tokens.blockEnds,
    minimumTokens: anthropicMinimumCacheTokens(prompt.model),
    now,
  });
  return {
    inputTokens: tokens.inputTokens,
    cacheReadTokens: result.readTokens,
    cacheWriteTokens: result.writtenTokens,
    cacheWrite1hTokens: result.written1hTokens,
  };
}

/** Answers one prompt: tokens, prefix-cache accounting, the answer, ids and stream pieces. */
export function buildCompletion(input: {
  protocol: 'openai' | 'anthropic';
  prompt: SimulatedPrompt;
  options: ResolvedSimulatedOptions;
  prefixCache: PrefixCache;
  /** This request's sequence number, so that ids differ between identical requests. */
  sequence: number;
}): SimulatedCompletion {
  const { protocol, prompt, options } = input;
  const now = options.now();
  const tokens = tokenizePrompt(prompt);
  const usage = cacheUsage({ protocol, prompt, tokens, prefixCache: input.prefixCache, now });
  const answer = generateAnswer({ prompt, tokens, outputTokens: options.outputTokens });
  const seed = tokens.fingerprint + input.sequence * 7919;
  const streamed = answer.kind === 'tool-call' ? answer.toolCall.arguments : answer.text;
  return {
    id:
      protocol === 'openai'
        ? createSimulatedId({ prefix: 'chatcmpl-', length: 29, seed })
        : createSimulatedId({ prefix: 'msg_01', length: 22, seed }),
    toolCallId:
      protocol === 'openai'
        ? createSimulatedId({ prefix: 'call_', length: 24, seed: seed + 1 })
        : createSimulatedId({ prefix: 'toolu_01', length: 22, seed: seed + 1 }),
    model: prompt.model,
    created: Math.floor(now / 1000),
    answer,
    usage: { ...usage, outputTokens: answer.outputTokens },
    streamPieces: splitIntoPieces(streamed, Math.ceil(answer.outputTokens / options.tokensPerChunk)),
  };
}
