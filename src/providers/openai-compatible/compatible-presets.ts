import type { COMPATIBLE_PRESETS } from '../../config/config-schema.js';
import type { OpenAiQuirks } from '../openai/openai-quirks.js';

/** A known OpenAI-compatible server, by its config name. */
export type CompatiblePresetName = (typeof COMPATIBLE_PRESETS)[number];

/** Everything the gateway knows about a compatible server before any config. */
export interface CompatiblePreset {
  /** Default base URL, version path included. */
  baseUrl: string;
  /** Environment variable that conventionally holds the key (local servers need none). */
  apiKeyEnv: string | undefined;
  /** Whether requests leave the machine. */
  location: 'cloud' | 'local';
  /** What the server accepts beyond the common Chat Completions core. */
  quirks: OpenAiQuirks;
}

/**
 * OpenAI-compatible servers as configuration of the one OpenAI adapter. Each entry cites the
 * documentation its base URL and quirks come from. Local defaults listen on 127.0.0.1.
 */
export const compatiblePresets: Record<CompatiblePresetName, CompatiblePreset> = {
  // https://api-docs.deepseek.com/ — base URL https://api.deepseek.com (`/v1` also accepted "for
  // compatibility"; it is not a model version). JSON output is json_object only
  // (https://api-docs.deepseek.com/guides/json_mode); usage splits prompt_cache_hit/miss_tokens
  // (https://api-docs.deepseek.com/guides/kv_cache); thinking mode with tools answers 400 unless earlier
  // reasoning_content is sent back, and takes reasoning_effort (https://api-docs.deepseek.com/guides/thinking_mode).
  deepseek: {
    baseUrl: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    location: 'cloud',
    quirks: {
      label: 'DeepSeek',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: false,
      supportsJsonSchema: false,
      supportsReasoningEffort: true,
      supportsTopK: false,
      supportsEmbeddings: false,
      replaysReasoningContent: true,
    },
  },
  // https://openrouter.ai/docs/api-reference/overview — base URL https://openrouter.ai/api/v1. Usage
  // (with cost and cache_write_tokens) is always in the last SSE message; stream_options is accepted
  // though no longer needed (https://openrouter.ai/docs/use-cases/usage-accounting). top_k is passed to
  // the providers that have it; reasoning comes back as `reasoning`.
  openrouter: {
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    location: 'cloud',
    quirks: {
      label: 'OpenRouter',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: true,
      supportsJsonSchema: true,
      supportsReasoningEffort: true,
      supportsTopK: true,
      supportsEmbeddings: false,
      replaysReasoningContent: false,
    },
  },
  // https://console.groq.com/docs/openai — base URL https://api.groq.com/openai/v1; logprobs,
  // logit_bias, top_logprobs, messages[].name and n > 1 answer 400 (the gateway sends none of them).
  // Groq's API reference takes max_completion_tokens; streaming usage may arrive in `x_groq.usage`.
  groq: {
    baseUrl: 'https://api.groq.com/openai/v1',
    apiKeyEnv: 'GROQ_API_KEY',
    location: 'cloud',
    quirks: {
      label: 'Groq',
      maxTokensField: 'max_completion_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: true,
      supportsJsonSchema: true,
      supportsReasoningEffort: true,
      supportsTopK: false,
      supportsEmbeddings: false,
      replaysReasoningContent: false,
    },
  },
  // https://docs.together.ai/docs/inference/openai-compatibility — base URL https://api.together.ai/v1
  // (the older api.together.xyz host serves the same API); chat, embeddings; top_k as an extension.
  together: {
    baseUrl: 'https://api.together.ai/v1',
    apiKeyEnv: 'TOGETHER_API_KEY',
    location: 'cloud',
    quirks: {
      label: 'Together',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: true,
      supportsJsonSchema: true,
      supportsReasoningEffort: false,
      supportsTopK: true,
      supportsEmbeddings: true,
      replaysReasoningContent: false,
    },
  },
  // https://docs.vllm.ai/en/latest/serving/openai_compatible_server.html — `vllm serve` listens on
  // :8000 with /v1; extra sampling parameters such as top_k are accepted in the body; structured
  // output via json_schema; embeddings when run as an embedding model.
  vllm: {
    baseUrl: 'http://127.0.0.1:8000/v1',
    apiKeyEnv: undefined,
    location: 'local',
    quirks: {
      label: 'vLLM',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: true,
      supportsJsonSchema: true,
      supportsReasoningEffort: false,
      supportsTopK: true,
      supportsEmbeddings: true,
      replaysReasoningContent: false,
    },
  },
  // https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md — llama-server listens on
  // 127.0.0.1:8080 with OpenAI-compatible /v1/chat/completions and /v1/embeddings; json_schema
  // response formats are compiled to grammars; top_k is a native sampling parameter.
  llamacpp: {
    baseUrl: 'http://127.0.0.1:8080/v1',
    apiKeyEnv: undefined,
    location: 'local',
    quirks: {
      label: 'llama.cpp',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: true,
      supportsJsonSchema: true,
      supportsReasoningEffort: false,
      supportsTopK: true,
      supportsEmbeddings: true,
      replaysReasoningContent: false,
    },
  },
  // https://docs.ollama.com/api/openai-compatibility — http://localhost:11434/v1; supported fields
  // include max_tokens, response_format, stream_options.include_usage, tools, reasoning_effort, but
  // neither parallel_tool_calls nor top_k; /v1/embeddings exists.
  ollama: {
    baseUrl: 'http://127.0.0.1:11434/v1',
    apiKeyEnv: undefined,
    location: 'local',
    quirks: {
      label: 'Ollama',
      maxTokensField: 'max_tokens',
      supportsStreamOptions: true,
      supportsParallelToolCalls: false,
      supportsJsonSchema: true,
      supportsReasoningEffort: true,
      supportsTopK: false,
      supportsEmbeddings: true,
      replaysReasoningContent: false,
    },
  },
};

/**
 * Quirks for a compatible server with no preset (`base_url` only): the common core that every
 * server above accepts, so that an unknown server is not sent fields it may reject.
 */
export const genericCompatibleQuirks: OpenAiQuirks = {
  label: 'OpenAI-compatible',
  maxTokensField: 'max_tokens',
  supportsStreamOptions: true,
  supportsParallelToolCalls: false,
  supportsJsonSchema: false,
  supportsReasoningEffort: false,
  supportsTopK: false,
  supportsEmbeddings: true,
  replaysReasoningContent: false,
};
