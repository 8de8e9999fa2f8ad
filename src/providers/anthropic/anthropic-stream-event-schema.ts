import { z } from 'zod';
import { anthropicContentBlockSchema, anthropicMessageSchema } from './anthropic-message-schema.js';
import { anthropicUsageSchema } from './anthropic-usage-schema.js';

const index = z.number().int().nonnegative();

/** The error object of an `error` event and of an error response body. */
export const anthropicErrorObjectSchema = z.looseObject({ type: z.string(), message: z.string() });

/**
 * The events of an Anthropic Messages stream the adapter acts on
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming#event-types). Events of other types
 * are ignored, as Anthropic's versioning policy asks ("handle unknown event types gracefully").
 */
export const anthropicStreamEventSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('message_start'), message: anthropicMessageSchema }),
  z.looseObject({ type: z.literal('content_block_start'), index, content_block: anthropicContentBlockSchema }),
  z.looseObject({
    type: z.literal('content_block_delta'),
    index,
    delta: z.union([
      z.looseObject({ type: z.literal('text_delta'), text: z.string() }),
      z.looseObject({ type: z.literal('input_json_delta'), partial_json: z.string() }),
      z.looseObject({ type: z.literal('thinking_delta'), thinking: z.string() }),
      z.looseObject({ type: z.literal('signature_delta'), signature: z.string() }),
      // `citations_delta` and types added after this code was written: skipped with a warning.
      z
        .looseObject({
          type: z
            .string()
            .refine((type) => !['text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta'].includes(type)),
        })
        .transform((delta) => ({ type: 'unsupported' as const, deltaType: delta.type })),
    ]),
  }),
  z.looseObject({ type: z.literal('content_block_stop'), index }),
  z.looseObject({
    type: z.literal('message_delta'),
    delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }),
    usage: anthropicUsageSchema,
  }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
  z.looseObject({ type: z.literal('error'), error: anthropicErrorObjectSchema }),
]);

/** A known Anthropic stream event, validated. */
export type AnthropicStreamEvent = z.infer<typeof anthropicStreamEventSchema>;

/** Event types the adapter validates; anything else is skipped. */
export const KNOWN_STREAM_EVENT_TYPES: ReadonlySet<string> = new Set([
  'message_start',
  'content_block_start',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
  'ping',
  'error',
]);
