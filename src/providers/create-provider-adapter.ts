import type { ProviderConfig } from '../config/config-schema.js';
import type { HttpTransport } from '../http/http-transport.js';
import { createAnthropicAdapter } from './anthropic/create-anthropic-adapter.js';
import { createOpenAiAdapter } from './openai/create-openai-adapter.js';
import { compatiblePresets } from './openai-compatible/compatible-presets.js';
import { createOpenAiCompatibleAdapter } from './openai-compatible/create-openai-compatible-adapter.js';
import type { EndpointSettings, ProviderAdapter } from './provider-adapter.js';
import { createSimulatedTransport } from './simulated/create-simulated-transport.js';

/** Where the simulated provider pretends to live; requests never leave the process. */
const SIMULATED_BASE_URL = 'http://simulated.tollgate.invalid/v1';

const DEFAULT_BASE_URLS: Record<'openai' | 'anthropic', string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
};

/** Options for the simulated provider that the caller (tests, replay) may inject. */
export interface SimulationHooks {
  /** Sleeps on the caller's clock (a virtual clock in replay). */
  sleep?: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  /** The caller's clock, in milliseconds. */
  now?: () => number;
  /** Random source for fault injection. */
  random?: () => number;
  /** Prompt prefixes the simulated prefix cache keeps (default 10,000; a replay of hours needs more). */
  prefixCacheEntries?: number;
}

function endpointSettings(provider: ProviderConfig, baseUrl: string, environment: NodeJS.ProcessEnv): EndpointSettings {
  return {
    name: provider.name,
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: provider.api_key_env ? environment[provider.api_key_env] : undefined,
    headers: provider.headers,
    timeouts: {
      connectMs: provider.timeouts.connect_ms,
      firstByteMs: provider.timeouts.first_byte_ms,
      idleMs: provider.timeouts.idle_ms,
    },
  };
}

/** Builds the adapter for one configured provider. */
export function createProviderAdapter(options: {
  provider: ProviderConfig;
  transport: HttpTransport;
  environment: NodeJS.ProcessEnv;
  simulation?: SimulationHooks;
}): ProviderAdapter {
  const { provider, transport, environment } = options;
  switch (provider.kind) {
    case 'openai':
      return createOpenAiAdapter({
        endpoint: endpointSettings(provider, provider.base_url ?? DEFAULT_BASE_URLS.openai, environment),
        transport,
      });
    case 'anthropic':
      return createAnthropicAdapter({
        endpoint: endpointSettings(provider, provider.base_url ?? DEFAULT_BASE_URLS.anthropic, environment),
        transport,
      });
    case 'openai-compatible': {
      const preset = provider.preset ? compatiblePresets[provider.preset] : undefined;
      const baseUrl = provider.base_url ?? preset?.baseUrl;
      if (!baseUrl) throw new Error(`providers.${provider.name}: openai-compatible needs base_url or preset`);
      return createOpenAiCompatibleAdapter({
        context: { endpoint: endpointSettings(provider, baseUrl, environment), transport },
        preset: provider.preset,
      });
    }
    case 'simulated': {
      const simulation = provider.simulation ?? {
        protocol: 'openai' as const,
        ttft_ms: 20,
        tokens_per_second: 400,
        output_tokens: 60,
        faults: [],
      };
      const simulatedTransport = createSimulatedTransport({
        ttftMs: simulation.ttft_ms,
        tokensPerSecond: simulation.tokens_per_second,
        outputTokens: simulation.output_tokens,
        faults: simulation.faults.map((fault) => ({
          kind: fault.kind,
          probability: fault.probability,
          retryAfterS: fault.retry_after_s,
        })),
        models: provider.models.map((model) => model.upstream ?? model.name),
        ...options.simulation,
      });
      const context = {
        endpoint: { ...endpointSettings(provider, SIMULATED_BASE_URL, environment), apiKey: 'simulated' },
        transport: simulatedTransport,
      };
      return simulation.protocol === 'anthropic' ? createAnthropicAdapter(context) : createOpenAiAdapter(context);
    }
    default: {
      const unknownKind: never = provider.kind;
      throw new Error(`Unknown provider kind ${String(unknownKind)}`);
    }
  }
}
