import { type FinishReason, GatewayError, type StreamPart } from '../../spec/index.js';
import type { StreamEventReducer } from '../shared/create-provider-stream.js';
import type { SseEvent } from '../shared/parse-sse.js';
import {
  type AnthropicStreamEvent,
  anthropicStreamEventSchema,
  KNOWN_STREAM_EVENT_TYPES,
} from './anthropic-stream-event-schema.js';
import type { AnthropicUsage } from './anthropic-usage-schema.js';
import { mapStreamError } from './map-error.js';
import { mapStopReason } from './map-stop-reason.js';
import { mapUsage } from './map-usage.js';

/** What the reducer knows about one open content block, by Anthropic's block index. */
type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking' }
  | { kind: 'tool'; toolIndex: number; sawArguments: boolean }
  | { kind: 'json-answer'; sawArguments: boolean }
  | { kind: 'skipped' };

/**
 * Turns Anthropic stream events into stream parts
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming). Anthropic's block `index` counts
 * every block (text and thinking too), while canonical tool-call indexes count tool calls only, so
 * the reducer keeps its own tool counter. Usage is cumulative: `message_start` carries the input
 * counts, each `message_delta` the totals so far; the last value of each field wins.
 */
export function createStreamReducer(options: {
  endpoint: string;
  /** The forced tool that emulates JSON mode, if any: its input streams as answer text. */
  jsonToolName: string | undefined;
  warn(message: string): void;
}): StreamEventReducer {
  const blocks = new Map<number, BlockState>();
  const warned = new Set<string>();
  let usage: AnthropicUsage = { output_tokens: 0 };
  let started = false;
  let nextToolIndex = 0;
  let stopReason: string | null | undefined;
  let jsonAnswered = false;

  const malformed = (message: string, cause?: unknown): GatewayError =>
    new GatewayError({
      code: 'upstream_malformed',
      message: `${options.endpoint} sent an invalid stream event: ${message}`,
      endpoint: options.endpoint,
      cause,
    });

  const skip = (what: string): BlockState => {
    if (!warned.has(what)) {
      warned.add(what);
      options.warn(`Anthropic ${what} dropped: the gateway's stream format cannot carry it.`);
    }
    return { kind: 'skipped' };
  };

  const finishReason = (): FinishReason => mapStopReason({ stopReason, jsonMode: jsonAnswered });

  const onBlockStart = (event: Extract<AnthropicStreamEvent, { type: 'content_block_start' }>): StreamPart[] => {
    const block = event.content_block;
    if (block.type === 'text') {
      blocks.set(event.index, { kind: 'text' });
      return block.text === '' ? [] : [{ type: 'text-delta', text: block.text }];
    }
    if (block.type === 'thinking') {
      blocks.set(event.index, { kind: 'thinking' });
      return block.thinking === '' ? [] : [{ type: 'reasoning-delta', text: block.thinking }];
    }
    if (block.type === 'tool_use') {
      if (block.name === options.jsonToolName) {
        jsonAnswered = true;
        blocks.set(event.index, { kind: 'json-answer', sawArguments: false });
        return [];
      }
      const toolIndex = nextToolIndex++;
      blocks.set(event.index, { kind: 'tool', toolIndex, sawArguments: false });
      return [{ type: 'tool-call-delta', index: toolIndex, id: block.id, name: block.name, argumentsDelta: '' }];
    }
    blocks.set(event.index, skip(`${block.type === 'unsupported' ? block.blockType : block.type} blocks`));
    return [];
  };

  const onBlockDelta = (event: Extract<AnthropicStreamEvent, { type: 'content_block_delta' }>): StreamPart[] => {
    const block = blocks.get(event.index);
    if (block === undefined) throw malformed(`content_block_delta for block ${event.index}, which was never started.`);
    const delta = event.delta;
    if (block.kind === 'skipped') return [];
    if (delta.type === 'unsupported') {
      skip(`${delta.deltaType} deltas`);
      return [];
    }
    if (delta.type === 'text_delta' && block.kind === 'text') {
      return delta.text === '' ? [] : [{ type: 'text-delta', text: delta.text }];
    }
    if (delta.type === 'thinking_delta' && block.kind === 'thinking') {
      return delta.thinking === '' ? [] : [{ type: 'reasoning-delta', text: delta.thinking }];
    }
    if (delta.type === 'signature_delta' && block.kind === 'thinking') {
      return [{ type: 'reasoning-delta', text: '', signature: delta.signature }];
    }
    if (delta.type === 'input_json_delta') {
      if (delta.partial_json === '') return [];
      if (block.kind === 'tool') {
        block.sawArguments = true;
        return [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: delta.partial_json }];
      }
      if (block.kind === 'json-answer') {
        block.sawArguments = true;
        return [{ type: 'text-delta', text: delta.partial_json }];
      }
    }
    throw malformed(`a ${delta.type} for a ${block.kind} block (index ${event.index}).`);
  };

  const onBlockStop = (index: number): StreamPart[] => {
    const block = blocks.get(index);
    if (block === undefined) throw malformed(`content_block_stop for block ${index}, which was never started.`);
    // A tool called without arguments streams no JSON at all; the arguments are then the empty object.
    if (block.kind === 'tool' && !block.sawArguments) {
      return [{ type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: '{}' }];
    }
    if (block.kind === 'json-answer' && !block.sawArguments) return [{ type: 'text-delta', text: '{}' }];
    return [];
  };

  const onEvent = (sse: SseEvent): StreamPart[] => {
    const data: unknown = JSON.parse(sse.data);
    const type = typeof data === 'object' && data !== null && 'type' in data ? data.type : undefined;
    if (typeof type !== 'string') throw malformed('an event without a "type".');
    if (!KNOWN_STREAM_EVENT_TYPES.has(type)) return [];
    const parsed = anthropicStreamEventSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw malformed(`${type} ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'is invalid'}.`, parsed.error);
    }
    const event = parsed.data;
    if (event.type === 'error') {
      return [{ type: 'error', error: mapStreamError({ ...event.error, endpoint: options.endpoint }) }];
    }
    if (event.type === 'ping') return [];
    if (event.type === 'message_start') {
      if (started) throw malformed('a second message_start.');
      started = true;
      usage = event.message.usage;
      return [
        { type: 'start', id: event.message.id, model: event.message.model },
        { type: 'usage', usage: mapUsage(usage) },
      ];
    }
    if (!started) throw malformed(`${event.type} before message_start.`);
    switch (event.type) {
      case 'content_block_start':
        return onBlockStart(event);
      case 'content_block_delta':
        return onBlockDelta(event);
      case 'content_block_stop':
        return onBlockStop(event.index);
      case 'message_delta':
        stopReason = event.delta.stop_reason ?? stopReason;
        usage = mergeUsage(usage, event.usage);
        return [];
      case 'message_stop':
        return [
          { type: 'usage', usage: mapUsage(usage) },
          { type: 'finish', finishReason: finishReason() },
        ];
      default: {
        const unreachable: never = event;
        return unreachable;
      }
    }
  };

  return { onEvent };
}

/** Cumulative usage: a field present (and not null) in the newer report replaces the older value. */
function mergeUsage(previous: AnthropicUsage, next: AnthropicUsage): AnthropicUsage {
  const merged: AnthropicUsage = { ...previous, output_tokens: next.output_tokens };
  for (const key of [
    'input_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
    'cache_creation',
    'output_tokens_details',
  ] as const) {
    if (next[key] !== undefined && next[key] !== null) Object.assign(merged, { [key]: next[key] });
  }
  return merged;
}
