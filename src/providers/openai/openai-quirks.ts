/**
 * What one OpenAI-compatible server accepts, beyond the common core of Chat Completions. The OpenAI
 * adapter reads these instead of switching on provider names; presets in `openai-compatible/` set them.
 */
export interface OpenAiQuirks {
  /** How the provider names itself in messages (e.g. `OpenAI`, `DeepSeek`). */
  label: string;
  /**
   * Field that carries the output cap. OpenAI's reasoning models reject `max_tokens` and want
   * `max_completion_tokens`; most compatible servers only know `max_tokens`.
   */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
  /** Accepts `stream_options.include_usage` (without it the stream carries no usage). */
  supportsStreamOptions: boolean;
  /** Accepts `parallel_tool_calls`. */
  supportsParallelToolCalls: boolean;
  /** Accepts `response_format: { type: 'json_schema' }`; otherwise the adapter falls back to `json_object`. */
  supportsJsonSchema: boolean;
  /** Accepts `reasoning_effort`. */
  supportsReasoningEffort: boolean;
  /** Accepts `top_k` as an extension parameter. */
  supportsTopK: boolean;
  /** Has `POST /embeddings`. */
  supportsEmbeddings: boolean;
  /**
   * Wants earlier assistant reasoning sent back as `reasoning_content` (DeepSeek thinking mode with
   * tools answers 400 without it). When false, reasoning from earlier turns is dropped with a warning.
   */
  replaysReasoningContent: boolean;
}

/** The quirks of api.openai.com itself. */
export const openAiQuirks: OpenAiQuirks = {
  label: 'OpenAI',
  maxTokensField: 'max_completion_tokens',
  supportsStreamOptions: true,
  supportsParallelToolCalls: true,
  supportsJsonSchema: true,
  supportsReasoningEffort: true,
  supportsTopK: false,
  supportsEmbeddings: true,
  replaysReasoningContent: false,
};
