import { z } from 'zod';

/**
 * The Chat Completions request body as the official spec describes it (`CreateChatCompletionRequest`
 * in openai-openapi.yaml), with every field the gateway reads typed, the deprecated and unsupported
 * ones recognised so that they can be refused by name, and unknown top-level fields refused like
 * OpenAI does ("Unrecognized request argument supplied"). Message objects stay open: clients echo
 * assistant messages back with extra fields (`refusal`, `annotations`, `audio: null`).
 */

const contentMessage = 'expected a string or an array of content parts';

const textPart = z.object({ type: z.literal('text'), text: z.string() });

const imagePart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().min(1, 'expected an http(s) or data: URL'),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  }),
});

/** Parts the spec allows that the gateway cannot carry; recognised so the error can name them. */
const unsupportedPart = z.looseObject({ type: z.enum(['input_audio', 'file']) });

const userPart = z.discriminatedUnion('type', [textPart, imagePart, unsupportedPart], {
  error: "expected a content part of type 'text' or 'image_url'",
});

const assistantPart = z.discriminatedUnion(
  'type',
  [textPart, z.object({ type: z.literal('refusal'), refusal: z.string() })],
  { error: "expected a content part of type 'text' or 'refusal'" },
);

const textOnlyContent = z.union([z.string(), z.array(textPart)], { error: contentMessage });

const toolCall = z.looseObject({
  id: z.string().min(1, 'expected the tool call id'),
  type: z.literal('function', { error: "only tool calls of type 'function' are supported" }),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});

const systemMessage = z.looseObject({
  role: z.enum(['system', 'developer']),
  content: textOnlyContent,
  name: z.string().nullish(),
});

const userMessage = z.looseObject({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(userPart)], { error: contentMessage }),
  name: z.string().nullish(),
});

const assistantMessage = z.looseObject({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(assistantPart)], { error: contentMessage }).nullish(),
  refusal: z.string().nullish(),
  tool_calls: z.array(toolCall).nullish(),
  /** Not OpenAI's: DeepSeek clients send earlier reasoning back under this name. */
  reasoning_content: z.string().nullish(),
  function_call: z.unknown().optional(),
  name: z.string().nullish(),
});

const toolMessage = z.looseObject({
  role: z.literal('tool'),
  content: textOnlyContent,
  tool_call_id: z.string().min(1, 'expected the id of the tool call this answers'),
});

/** The deprecated `function` role: recognised so it can be refused with a pointer to `tool`. */
const functionMessage = z.looseObject({ role: z.literal('function') });

const message = z.discriminatedUnion(
  'role',
  [systemMessage, userMessage, assistantMessage, toolMessage, functionMessage],
  { error: "expected role to be one of 'system', 'developer', 'user', 'assistant' or 'tool'" },
);

const functionTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected a name of 1 to 64 letters, digits, "_" or "-"'),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const tool = z.discriminatedUnion('type', [functionTool, z.looseObject({ type: z.literal('custom') })], {
  error: "expected a tool of type 'function'",
});

const toolChoice = z.union(
  [
    z.enum(['none', 'auto', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string().min(1) }) }),
    z.looseObject({ type: z.enum(['allowed_tools', 'custom']) }),
  ],
  { error: "expected 'none', 'auto', 'required' or { type: 'function', function: { name } }" },
);

const responseFormat = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'expected a name of 1 to 64 letters, digits, "_" or "-"'),
        description: z.string().nullish(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: "expected type 'text', 'json_object' or 'json_schema'" },
);

const positiveInteger = z.number().int('expected an integer').positive('expected a positive integer');

/** The request body. */
export const chatCompletionRequestSchema = z.strictObject({
  model: z.string({ error: 'expected the model name as a string' }).min(1, 'expected a model name'),
  messages: z.array(message, { error: 'expected an array of messages' }).min(1, 'expected at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z
    .object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
    .nullish(),
  max_tokens: positiveInteger.nullish(),
  max_completion_tokens: positiveInteger.nullish(),
  n: z.number().int('expected an integer').nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  /** Not OpenAI's: vLLM, llama.cpp, Together and OpenRouter take it, and the gateway can route it there. */
  top_k: positiveInteger.nullish(),
  stop: z.union([z.string(), z.array(z.string())], { error: 'expected a string or an array of strings' }).nullish(),
  seed: z.number().int('expected an integer').nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  reasoning_effort: z.string().nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  // Accepted and not acted on: they only concern OpenAI's own storage, billing tier or caching hints.
  store: z.boolean().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
  service_tier: z.string().nullish(),
  prompt_cache_key: z.string().nullish(),
  prompt_cache_retention: z.string().nullish(),
  verbosity: z.string().nullish(),
  // Recognised so that they can be refused with a reason rather than as unknown.
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().nullish(),
  logit_bias: z.record(z.string(), z.number()).nullish(),
  modalities: z.array(z.string()).nullish(),
  audio: z.unknown().optional(),
  prediction: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  functions: z.unknown().optional(),
  function_call: z.unknown().optional(),
});

/** A body that passed the schema. */
export type ChatCompletionRequestBody = z.infer<typeof chatCompletionRequestSchema>;
