import {
  type ChatRequest,
  emptyUsage,
  type FinishReason,
  type GatewayError,
  type StreamPart,
  type Usage,
} from '../../spec/index.js';
import type { RenderContext, StreamRenderer } from '../client-protocol.js';
import { renderError } from './render-error.js';
import { renderMessageId } from './render-message-id.js';
import { renderStopReason } from './render-stop-reason.js';
import { renderUsage } from './render-usage.js';

type OpenBlock = { kind: 'text' | 'thinking' | 'tool'; index: number; toolIndex?: number };

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Renders stream parts as Anthropic's SSE events (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 * `message_start`, then per content block `content_block_start` / `_delta` / `_stop` (a block closes
 * when the part type changes), and in `end()` one `message_delta` with the stop reason and the final
 * usage, then `message_stop`. `message_start` waits for the first content part so that it carries the
 * input usage the provider reported at its own start.
 */
export function createStreamRenderer(context: RenderContext, _request: ChatRequest): StreamRenderer {
  let usage: Usage = emptyUsage();
  let started = false;
  let done = false;
  let open: OpenBlock | undefined;
  let nextBlockIndex = 0;
  let finishReason: FinishReason = 'stop';
  const toolBlocks = new Map<number, number>();

  const start = (): string => {
    if (started) return '';
    started = true;
    return frame('message_start', {
      type: 'message_start',
      message: {
        id: renderMessageId(context.requestId),
        type: 'message',
        role: 'assistant',
        model: context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: renderUsage(usage, undefined),
      },
    });
  };

  const close = (): string => {
    if (!open) return '';
    const stop = frame('content_block_stop', { type: 'content_block_stop', index: open.index });
    open = undefined;
    return stop;
  };

  const openBlock = (kind: OpenBlock['kind'], contentBlock: Record<string, unknown>, toolIndex?: number): string => {
    const closing = close();
    open = { kind, index: nextBlockIndex++, ...(toolIndex === undefined ? {} : { toolIndex }) };
    return (
      closing +
      frame('content_block_start', { type: 'content_block_start', index: open.index, content_block: contentBlock })
    );
  };

  const delta = (index: number, body: Record<string, unknown>): string =>
    frame('content_block_delta', { type: 'content_block_delta', index, delta: body });

  const renderToolCall = (part: Extract<StreamPart, { type: 'tool-call-delta' }>): string => {
    let out = start();
    let index = toolBlocks.get(part.index);
    if (index === undefined) {
      out += openBlock(
        'tool',
        {
          type: 'tool_use',
          id: part.id ?? `toolu_${context.requestId}_${part.index}`,
          name: part.name ?? '',
          input: {},
        },
        part.index,
      );
      index = open?.index ?? 0;
      toolBlocks.set(part.index, index);
    }
    // A delta for an earlier, already closed call (interleaved calls) still names its own block index.
    if (part.argumentsDelta !== '')
      out += delta(index, { type: 'input_json_delta', partial_json: part.argumentsDelta });
    return out;
  };

  const renderer: StreamRenderer = {
    render(part) {
      if (done) return '';
      switch (part.type) {
        case 'start':
          return '';
        case 'usage':
          usage = part.usage;
          return '';
        case 'text-delta': {
          if (part.text === '') return '';
          let out = start();
          if (open?.kind !== 'text') out += openBlock('text', { type: 'text', text: '' });
          return out + delta(open?.index ?? 0, { type: 'text_delta', text: part.text });
        }
        case 'reasoning-delta': {
          if (part.text === '' && part.signature === undefined) return '';
          let out = start();
          if (open?.kind !== 'thinking')
            out += openBlock('thinking', { type: 'thinking', thinking: '', signature: '' });
          const index = open?.index ?? 0;
          if (part.text !== '') out += delta(index, { type: 'thinking_delta', thinking: part.text });
          if (part.signature !== undefined) out += delta(index, { type: 'signature_delta', signature: part.signature });
          return out;
        }
        case 'tool-call-delta':
          return renderToolCall(part);
        case 'finish':
          finishReason = part.finishReason;
          return start() + close();
        case 'error':
          return renderer.error(part.error);
        default: {
          const unreachable: never = part;
          return unreachable;
        }
      }
    },

    end(final) {
      if (done) return '';
      done = true;
      usage = final.usage;
      return (
        start() +
        close() +
        frame('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: renderStopReason(finishReason), stop_sequence: null },
          usage: renderUsage(final.usage, final.costUsd),
        }) +
        frame('message_stop', { type: 'message_stop' })
      );
    },

    error(error: GatewayError) {
      if (done) return '';
      done = true;
      return frame('error', renderError(error));
    },
  };
  return renderer;
}
