import type { Deployment } from '../../gateway/deployment.js';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import { countChatRequestTokens } from '../../tokens/count-tokens.js';

/** The context-window filter of {@link createContextFit}. */
export interface ContextFit {
  /** Whether the request fits the deployment's `context_window` (always true when it has none). */
  (deployment: Deployment): boolean;
  /** When some deployment was left out for its window: the error to give if nothing else can serve. */
  tooLong(): GatewayError | undefined;
}

/**
 * A filter that keeps a request off deployments whose context window it would overflow: input
 * tokens plus the requested `max_tokens` must fit. Tokens are counted once, and only when a
 * deployment with a configured window is looked at (counting loads the tokenizer).
 */
export function createContextFit(request: ChatRequest): ContextFit {
  let inputTokens: number | undefined;
  let largestRefused = 0;
  const fits = ((deployment: Deployment): boolean => {
    const window = deployment.model.context_window;
    if (window === undefined) return true;
    inputTokens ??= countChatRequestTokens(request);
    if (inputTokens + (request.maxOutputTokens ?? 0) <= window) return true;
    largestRefused = Math.max(largestRefused, window);
    return false;
  }) as ContextFit;
  fits.tooLong = () =>
    largestRefused === 0
      ? undefined
      : new GatewayError({
          code: 'context_length_exceeded',
          param: 'messages',
          message: `The prompt has about ${inputTokens} input tokens${
            request.maxOutputTokens === undefined ? '' : ` plus max_tokens ${request.maxOutputTokens}`
          }; the largest context window among the deployments for "${request.model}" is ${largestRefused} tokens.`,
        });
  return fits;
}
