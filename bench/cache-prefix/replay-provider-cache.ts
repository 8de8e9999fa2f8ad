import { computeCost } from '../../src/pricing/compute-cost.js';
import type { ModelPrice } from '../../src/pricing/model-price.js';
import { anthropicMinimumCacheTokens } from '../../src/providers/simulated/build-completion.js';
import { createPrefixCache } from '../../src/providers/simulated/create-prefix-cache.js';
import type { Usage } from '../../src/spec/index.js';
import { TRACE_BLOCK_TOKENS, type TraceRequest } from './load-mooncake-trace.js';

/**
 * Where breakpoints go for an Anthropic model, in the trace's terms (it has no message structure,
 * only 512-token blocks; block 0 is shared by every request, i.e. the system prompt):
 * - `system`: after the stable system prompt (end of block 0), the gateway's rule without a delimiter;
 * - `conversation`: also at the end of the prompt (its last full block) when the request continues a
 *   conversation — the gateway's `prefix.conversation` rule; "continues" is read as "shares its
 *   second block with an earlier request", which is what carrying the earlier turns looks like here;
 * - `every-prompt`: at the end of every prompt, first turns included.
 */
export type AnthropicPlacement = 'system' | 'conversation' | 'every-prompt';

/** One replay: a model, its price, and how its provider caches prefixes. */
export interface ReplayScenario {
  name: string;
  price: ModelPrice;
  caching:
    | { kind: 'none' }
    | { kind: 'openai-automatic' }
    | { kind: 'anthropic'; placement: AnthropicPlacement; ttl: '5m' | '1h'; model: string };
  /** Prefix entries the provider cache holds (least recently used go first); unbounded when absent. */
  maxEntries?: number;
}

/** Totals of one replay. */
export interface ReplayResult {
  name: string;
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  /** Cache-read input tokens over all input tokens. */
  tokenHitRate: number;
  /** What the input cost with this caching. */
  inputCostUsd: number;
  /** Input and output. */
  costUsd: number;
  /** The same traffic on the same model with no prefix caching. */
  uncachedCostUsd: number;
}

/** Token ids standing for the trace's blocks: equal blocks give equal tokens, distinct blocks distinct ones. */
function tokensOf(request: TraceRequest): number[] {
  const tokens = new Array<number>(request.inputTokens);
  for (let position = 0; position < request.inputTokens; position++) {
    const id = request.blockIds[Math.floor(position / TRACE_BLOCK_TOKENS)] ?? 0;
    tokens[position] = id * TRACE_BLOCK_TOKENS + (position % TRACE_BLOCK_TOKENS);
  }
  return tokens;
}

function usageOf(input: { total: number; read: number; written: number; written1h: number; output: number }): Usage {
  return {
    uncachedInputTokens: input.total - input.read - input.written,
    cacheReadInputTokens: input.read,
    cacheWriteInputTokens: input.written,
    cacheWrite1hInputTokens: input.written1h,
    outputTokens: input.output,
    reasoningTokens: 0,
    source: 'counted',
  };
}

/**
 * Replays the trace on its own clock through the simulated provider's prefix cache (the same code
 * that answers simulated OpenAI and Anthropic requests: 128-token steps from 1,024 tokens with a
 * 10-minute idle TTL for OpenAI; breakpoints, a 20-block look-back, the model's minimum and a TTL
 * refreshed on read for Anthropic) and prices every request with the catalogue.
 */
export function replayProviderCache(requests: readonly TraceRequest[], scenario: ReplayScenario): ReplayResult {
  const cache = createPrefixCache({ maxEntries: scenario.maxEntries ?? Number.MAX_SAFE_INTEGER });
  const seenBlocks = new Set<number>();
  const result: ReplayResult = {
    name: scenario.name,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: 0,
    tokenHitRate: 0,
    inputCostUsd: 0,
    costUsd: 0,
    uncachedCostUsd: 0,
  };
  for (const request of requests) {
    const total = request.inputTokens;
    let read = 0;
    let written = 0;
    let written1h = 0;
    const { caching } = scenario;
    if (caching.kind === 'openai-automatic') {
      read = cache.matchAutomatic({ namespace: 'openai', tokens: tokensOf(request), now: request.timestamp });
    } else if (caching.kind === 'anthropic') {
      const continuing = request.blockIds.length > 1 && seenBlocks.has(request.blockIds[1] as number);
      const lastFullBlock = Math.floor(total / TRACE_BLOCK_TOKENS) * TRACE_BLOCK_TOKENS;
      const lengths = [Math.min(TRACE_BLOCK_TOKENS, total)];
      const endOfPrompt = caching.placement === 'every-prompt' || (caching.placement === 'conversation' && continuing);
      if (endOfPrompt && lastFullBlock > TRACE_BLOCK_TOKENS) lengths.push(lastFullBlock);
      const blockEnds: number[] = [];
      for (let end = TRACE_BLOCK_TOKENS; end <= total; end += TRACE_BLOCK_TOKENS) blockEnds.push(end);
      const applied = cache.applyBreakpoints({
        namespace: 'anthropic',
        tokens: tokensOf(request),
        breakpoints: lengths.map((length) => ({ length, ttl: caching.ttl })),
        blockEnds,
        minimumTokens: anthropicMinimumCacheTokens(caching.model),
        now: request.timestamp,
      });
      read = applied.readTokens;
      written = applied.writtenTokens;
      written1h = applied.written1hTokens;
    }
    for (const id of request.blockIds) seenBlocks.add(id);
    const usage = usageOf({ total, read, written, written1h, output: request.outputTokens });
    const cost = computeCost({ usage, price: scenario.price });
    const outputCost = computeCost({
      usage: usageOf({ total: 0, read: 0, written: 0, written1h: 0, output: request.outputTokens }),
      price: scenario.price,
    });
    result.inputTokens += total;
    result.cacheReadTokens += read;
    result.cacheWriteTokens += written;
    result.outputTokens += request.outputTokens;
    result.costUsd += cost;
    result.inputCostUsd += cost - outputCost;
    result.uncachedCostUsd += computeCost({
      usage: usageOf({ total, read: 0, written: 0, written1h: 0, output: request.outputTokens }),
      price: scenario.price,
    });
  }
  result.tokenHitRate = result.cacheReadTokens / result.inputTokens;
  return result;
}
