import type { FinishReason } from '../../spec/index.js';

/** Maps an OpenAI `finish_reason` (including the deprecated `function_call`) to the gateway's vocabulary. */
export function mapFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    // OpenRouter reports a provider failure mid-generation as `error`.
    case 'error':
      return 'error';
    default:
      return 'other';
  }
}
