import type { FinishReason } from '../../spec/index.js';

/** Anthropic's stop reasons that a canonical finish reason can become. */
export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'refusal';

/**
 * Renders a finish reason as Anthropic's `stop_reason`. Which stop sequence matched is not kept in
 * the canonical form, so `stop` is always `end_turn`; reasons Anthropic has no word for
 * (`error`, `other`) also read as `end_turn`, the value clients treat as a plain end.
 */
export function renderStopReason(finishReason: FinishReason): AnthropicStopReason {
  switch (finishReason) {
    case 'stop':
    case 'error':
    case 'other':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default: {
      const unreachable: never = finishReason;
      return unreachable;
    }
  }
}
