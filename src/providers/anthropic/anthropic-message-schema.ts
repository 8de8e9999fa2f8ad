import { z } from 'zod';
import { anthropicUsageSchema } from './anthropic-usage-schema.js';

const KNOWN_BLOCK_TYPES = ['text', 'thinking', 'redacted_thinking', 'tool_use'];

/** Content blocks the adapter understands, validated strictly enough to convert. */
export const anthropicContentBlockSchema = z.union([
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
  z.looseObject({
    type: z.literal('tool_use'),
    id: z.string(),
    name: z.string(),
    input: z.record(z.string(), z.unknown()),
  }),
  // Server-tool blocks and types added after this code was written: skipped with a warning.
  z
    .looseObject({ type: z.string().refine((type) => !KNOWN_BLOCK_TYPES.includes(type)) })
    .transform((block) => ({ type: 'unsupported' as const, blockType: block.type })),
]);

/** An Anthropic content block, validated. */
export type AnthropicContentBlock = z.infer<typeof anthropicContentBlockSchema>;

/**
 * A complete Anthropic message (the non-streaming response body, and the skeleton in
 * `message_start`). Reference: `Message` in https://docs.anthropic.com/en/api/messages
 */
export const anthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(anthropicContentBlockSchema),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: anthropicUsageSchema,
});

/** An Anthropic message, validated. */
export type AnthropicMessage = z.infer<typeof anthropicMessageSchema>;
