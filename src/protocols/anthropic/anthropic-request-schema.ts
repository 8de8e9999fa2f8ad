import { z } from 'zod';

/**
 * Zod 4 reports a missing field as "expected X, received undefined"; Anthropic says "Field required".
 * Keeping Anthropic's wording makes the gateway's 400s read like the API the client knows.
 */
const required = (expected: string) => ({
  error: (issue: { input: unknown }) => (issue.input === undefined ? 'Field required' : `Input should be ${expected}`),
});

const cacheControlSchema = z.object({
  type: z.literal('ephemeral'),
  ttl: z.enum(['5m', '1h']).optional(),
});

const cacheControl = cacheControlSchema.nullish();

const textBlockSchema = z.looseObject({
  type: z.literal('text'),
  text: z.string(required('a valid string')),
  cache_control: cacheControl,
});

const imageBlockSchema = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({
      type: z.literal('base64'),
      media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
      data: z.string(required('a valid string')),
    }),
    z.object({ type: z.literal('url'), url: z.url({ protocol: /^https?$/ }) }),
  ]),
  cache_control: cacheControl,
});

const toolUseBlockSchema = z.looseObject({
  type: z.literal('tool_use'),
  id: z.string(required('a valid string')),
  name: z.string(required('a valid string')),
  input: z.record(z.string(), z.unknown(), required('a valid dictionary')),
  cache_control: cacheControl,
});

const toolResultBlockSchema = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(required('a valid string')),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlockSchema, imageBlockSchema]))]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

const thinkingBlockSchema = z.looseObject({
  type: z.literal('thinking'),
  thinking: z.string(required('a valid string')),
  signature: z.string(required('a valid string')),
});

/** The content blocks a client may send that the gateway can carry to any provider. */
export const contentBlockSchema = z.discriminatedUnion(
  'type',
  [textBlockSchema, imageBlockSchema, toolUseBlockSchema, toolResultBlockSchema, thinkingBlockSchema],
  {
    error: (issue) =>
      issue.code === 'invalid_union' && issue.note === 'No matching discriminator'
        ? `Input tag ${JSON.stringify((issue.input as { type?: unknown } | undefined)?.type)} is not supported by this gateway; expected one of 'text', 'image', 'tool_use', 'tool_result', 'thinking'`
        : undefined,
  },
);

/** One content block, validated. */
export type ContentBlock = z.infer<typeof contentBlockSchema>;

const toolSchema = z.looseObject({
  type: z
    .literal('custom', { error: 'Only custom tools (name, description, input_schema) are supported by this gateway' })
    .optional(),
  name: z
    .string(required('a valid string'))
    .regex(/^[a-zA-Z0-9_-]{1,128}$/, 'String should match ^[a-zA-Z0-9_-]{1,128}$'),
  description: z.string().optional(),
  input_schema: z.looseObject({ type: z.literal('object') }, required('a valid dictionary')),
  strict: z.boolean().optional(),
  cache_control: cacheControl,
});

/**
 * The Anthropic Messages request, as far as the gateway understands it
 * (https://docs.anthropic.com/en/api/messages). Unknown top-level fields are ignored.
 */
export const anthropicRequestSchema = z.looseObject({
  model: z.string(required('a valid string')).min(1),
  max_tokens: z.number(required('a valid integer')).int().positive(),
  messages: z
    .array(
      z.object({
        role: z.enum(['user', 'assistant', 'system']),
        content: z.union([z.string(), z.array(contentBlockSchema)]),
      }),
      required('a valid list'),
    )
    .min(1, 'List should have at least 1 item'),
  system: z.union([z.string(), z.array(textBlockSchema)]).optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
      z.object({ type: z.literal('none') }),
    ])
    .optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  stream: z.boolean().optional(),
  thinking: z
    .discriminatedUnion('type', [
      z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1024) }),
      z.object({ type: z.literal('disabled') }),
      z.looseObject({ type: z.literal('adaptive') }),
    ])
    .optional(),
  output_config: z
    .looseObject({
      effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
      format: z.object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) }).nullish(),
    })
    .optional(),
});

/** A validated Anthropic Messages request. */
export type AnthropicRequest = z.infer<typeof anthropicRequestSchema>;
