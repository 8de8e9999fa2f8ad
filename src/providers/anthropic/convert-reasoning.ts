import type { ChatRequest } from '../../spec/index.js';

/** Anthropic's default output limit when the client sets none (max_tokens is required there). */
export const DEFAULT_MAX_TOKENS = 4096;

/** Anthropic's smallest thinking budget. */
const MIN_THINKING_BUDGET = 1024;

/**
 * Thinking budgets for an effort level, as LiteLLM translates OpenAI's `reasoning_effort` for Claude.
 * `minimal` asks for as little reasoning as possible, which for Claude means no thinking at all.
 */
const EFFORT_BUDGETS = { minimal: 0, low: 1024, medium: 2048, high: 4096 } as const;

/** The `max_tokens` and `thinking` fields of an Anthropic request. */
export interface ConvertedReasoning {
  maxTokens: number;
  thinking?: { type: 'enabled'; budget_tokens: number };
}

/**
 * Chooses `max_tokens` and the thinking budget together, because Anthropic requires
 * `1024 <= budget_tokens < max_tokens` (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking).
 * Like OpenAI's `max_completion_tokens`, Anthropic's `max_tokens` counts thinking too.
 */
export function convertReasoning(options: {
  request: Pick<ChatRequest, 'maxOutputTokens' | 'reasoning'>;
  warn(message: string): void;
}): ConvertedReasoning {
  const { maxOutputTokens, reasoning } = options.request;
  let budget = reasoning?.budgetTokens;
  if (budget === undefined && reasoning?.effort !== undefined) {
    budget = EFFORT_BUDGETS[reasoning.effort];
    options.warn(
      budget === 0
        ? 'reasoning effort "minimal" was sent to Anthropic as thinking disabled.'
        : `reasoning effort "${reasoning.effort}" was sent to Anthropic as a thinking budget of ${budget} tokens.`,
    );
  }
  if (budget === undefined || budget === 0) {
    if (maxOutputTokens !== undefined) return { maxTokens: maxOutputTokens };
    options.warn(`max_tokens is required by Anthropic and was not given; sent ${DEFAULT_MAX_TOKENS}.`);
    return { maxTokens: DEFAULT_MAX_TOKENS };
  }
  if (budget < MIN_THINKING_BUDGET) {
    options.warn(`The thinking budget ${budget} is below Anthropic's minimum; sent ${MIN_THINKING_BUDGET}.`);
    budget = MIN_THINKING_BUDGET;
  }
  if (maxOutputTokens === undefined) {
    const maxTokens = budget + DEFAULT_MAX_TOKENS;
    options.warn(
      `max_tokens is required by Anthropic and was not given; sent ${maxTokens} (thinking budget included).`,
    );
    return { maxTokens, thinking: { type: 'enabled', budget_tokens: budget } };
  }
  if (budget < maxOutputTokens)
    return { maxTokens: maxOutputTokens, thinking: { type: 'enabled', budget_tokens: budget } };
  const shrunk = maxOutputTokens - 1;
  if (shrunk < MIN_THINKING_BUDGET) {
    options.warn(
      `Thinking was disabled: max_tokens ${maxOutputTokens} leaves no room for Anthropic's minimum budget of ${MIN_THINKING_BUDGET}.`,
    );
    return { maxTokens: maxOutputTokens };
  }
  options.warn(`The thinking budget ${budget} was lowered to ${shrunk} to stay below max_tokens ${maxOutputTokens}.`);
  return { maxTokens: maxOutputTokens, thinking: { type: 'enabled', budget_tokens: shrunk } };
}
