import { createOpenAiAdapter } from '../openai/create-openai-adapter.js';
import type { OpenAiQuirks } from '../openai/openai-quirks.js';
import type { AdapterContext, ProviderAdapter } from '../provider-adapter.js';
import { type CompatiblePresetName, compatiblePresets, genericCompatibleQuirks } from './compatible-presets.js';

/**
 * An adapter for an OpenAI-compatible server: the OpenAI adapter with the preset's quirks. Without a
 * preset the generic quirks apply; `quirks` overrides single entries (e.g. a vLLM build that rejects
 * `stream_options`).
 */
export function createOpenAiCompatibleAdapter(options: {
  context: AdapterContext;
  preset?: CompatiblePresetName | undefined;
  quirks?: Partial<OpenAiQuirks>;
}): ProviderAdapter {
  const preset = options.preset ? compatiblePresets[options.preset] : undefined;
  const quirks: OpenAiQuirks = { ...(preset?.quirks ?? genericCompatibleQuirks), ...options.quirks };
  const endpoint = options.context.endpoint;
  return createOpenAiAdapter({
    ...options.context,
    endpoint: { ...endpoint, baseUrl: endpoint.baseUrl || preset?.baseUrl || '' },
    quirks,
  });
}
