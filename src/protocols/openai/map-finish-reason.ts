import type { FinishReason } from '../../spec/index.js';

/** The `finish_reason` values the official spec allows (the deprecated `function_call` is never sent). */
export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Maps the gateway's finish reason to OpenAI's. The spec's enum has no value for `error` or `other`,
 * and clients and the conformance check reject values outside it, so both become `stop`: an error
 * that ends a stream is sent as an error event, never as a finish reason.
 */
export function mapFinishReason(reason: FinishReason): OpenAiFinishReason {
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    case 'error':
    case 'other':
      return 'stop';
    default: {
      const unreachable: never = reason;
      throw new Error(`Unknown finish reason ${String(unreachable)}`);
    }
  }
}
