import { z } from 'zod';

/**
 * Anthropic usage as it appears in a message (`usage`) and, cumulatively, in `message_delta` events.
 * Every field but `output_tokens` may be missing or null in a `message_delta`.
 * Reference: `Usage` and `MessageDeltaUsage` in https://docs.anthropic.com/en/api/messages
 */
export const anthropicUsageSchema = z.looseObject({
  input_tokens: z.number().int().nonnegative().nullish(),
  cache_creation_input_tokens: z.number().int().nonnegative().nullish(),
  cache_read_input_tokens: z.number().int().nonnegative().nullish(),
  /** Cache writes by TTL (5 minutes, 1 hour); they add up to `cache_creation_input_tokens`. */
  cache_creation: z
    .looseObject({
      ephemeral_5m_input_tokens: z.number().int().nonnegative().nullish(),
      ephemeral_1h_input_tokens: z.number().int().nonnegative().nullish(),
    })
    .nullish(),
  output_tokens: z.number().int().nonnegative(),
  /** Of `output_tokens`, those spent thinking (newer API versions only). */
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().int().nonnegative().nullish() }).nullish(),
});

/** Anthropic usage, validated. */
export type AnthropicUsage = z.infer<typeof anthropicUsageSchema>;
