import { z } from 'zod';

/**
 * Zod schemas of what OpenAI-compatible servers send back, validated before anything is read.
 * They follow `CreateChatCompletionResponse`, `CreateChatCompletionStreamResponse`, `CompletionUsage`
 * and `ErrorResponse` in the official OpenAPI spec, loosened where compatible servers differ
 * (nulls for absent fields, missing ids, extra usage fields). Unknown fields pass through untouched.
 */

const count = z.number().int().nonnegative();
const optionalCount = count.nullish();

/** `CompletionUsage`, plus DeepSeek's and OpenRouter's additions. */
export const openAiUsageSchema = z.looseObject({
  prompt_tokens: count,
  completion_tokens: count.default(0),
  total_tokens: optionalCount,
  prompt_tokens_details: z
    .looseObject({
      cached_tokens: optionalCount,
      cache_write_tokens: optionalCount,
    })
    .nullish(),
  completion_tokens_details: z
    .looseObject({
      reasoning_tokens: optionalCount,
    })
    .nullish(),
  /** DeepSeek: input tokens read from its context cache (https://api-docs.deepseek.com/guides/kv_cache). */
  prompt_cache_hit_tokens: optionalCount,
  /** DeepSeek: input tokens not found in its context cache. */
  prompt_cache_miss_tokens: optionalCount,
  /** OpenRouter: what the call cost, in credits (https://openrouter.ai/docs/use-cases/usage-accounting). */
  cost: z.number().nullish(),
});

/** A usage object as a provider sent it. */
export type OpenAiUsage = z.infer<typeof openAiUsageSchema>;

const toolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().default('') }),
});

/** One non-streaming chat completion. */
export const openAiChatResponseSchema = z.looseObject({
  id: z.string().default(''),
  model: z.string().default(''),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().optional(),
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          /** DeepSeek, vLLM, llama.cpp. */
          reasoning_content: z.string().nullish(),
          /** OpenRouter, Ollama, newer vLLM. */
          reasoning: z.string().nullish(),
          tool_calls: z.array(toolCallSchema).nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1, 'expected at least one choice'),
  usage: openAiUsageSchema.nullish(),
});

/** A validated chat completion. */
export type OpenAiChatResponse = z.infer<typeof openAiChatResponseSchema>;

/** One `chat.completion.chunk` event. */
export const openAiChunkSchema = z.looseObject({
  id: z.string().default(''),
  model: z.string().default(''),
  choices: z
    .array(
      z.looseObject({
        index: z.number().int().default(0),
        delta: z
          .looseObject({
            content: z.string().nullish(),
            refusal: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.string().nullish(),
            tool_calls: z
              .array(
                z.looseObject({
                  index: z.number().int().nonnegative().optional(),
                  id: z.string().nullish(),
                  function: z.looseObject({ name: z.string().nullish(), arguments: z.string().nullish() }).nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: openAiUsageSchema.nullish(),
  /** Groq reports streaming usage here on the last chunk (https://console.groq.com/docs/openai). */
  x_groq: z.looseObject({ usage: openAiUsageSchema.nullish() }).nullish(),
});

/** A validated chunk. */
export type OpenAiChunk = z.infer<typeof openAiChunkSchema>;

/** `ErrorResponse`: `{ error: { message, type, param, code } }` (fields nullable on compatible servers). */
export const openAiErrorBodySchema = z.looseObject({
  error: z.union([
    z.looseObject({
      message: z.string().nullish(),
      type: z.string().nullish(),
      param: z.string().nullish(),
      code: z.union([z.string(), z.number()]).nullish(),
    }),
    // Some servers (older vLLM, proxies) send a bare string.
    z.string(),
  ]),
});

/** The unwrapped error body of older vLLM releases. */
export const openAiFlatErrorSchema = z.looseObject({
  object: z.literal('error'),
  message: z.string(),
  type: z.string().nullish(),
});

/** `CreateEmbeddingResponse`. */
export const openAiEmbeddingResponseSchema = z.looseObject({
  model: z.string().default(''),
  data: z.array(
    z.looseObject({
      index: z.number().int().nonnegative(),
      embedding: z.array(z.number()),
    }),
  ),
  usage: z.looseObject({ prompt_tokens: count }).nullish(),
});
