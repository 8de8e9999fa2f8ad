import type { FinishReason } from '../../spec/index.js';

/**
 * Maps Anthropic's `stop_reason` to the canonical finish reason
 * (https://docs.anthropic.com/en/api/handling-stop-reasons). When JSON mode is emulated with a forced
 * tool, `tool_use` is the answer's natural end, hence `stop`.
 */
export function mapStopReason(options: { stopReason: string | null | undefined; jsonMode: boolean }): FinishReason {
  switch (options.stopReason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return options.jsonMode ? 'stop' : 'tool-calls';
    case 'refusal':
      return 'content-filter';
    default:
      // `pause_turn` (a server tool paused a long turn) and reasons added after this code was written.
      return 'other';
  }
}
