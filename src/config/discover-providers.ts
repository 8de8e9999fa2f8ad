import type { ConfigFile, ProviderConfig } from './config-schema.js';

/** Providers and tiers found in the environment when the config file names no providers. */
export interface DiscoveredProviders {
  providers: ProviderConfig[];
  tiers: ConfigFile['tiers'];
  /** True when no key was found and the simulated provider stands in. */
  simulated: boolean;
}

const defaultTimeouts = { connect_ms: 5_000, first_byte_ms: 60_000, idle_ms: 30_000 };
const defaultLimits = { queue_size: 100, queue_timeout_ms: 30_000 };
const chatCapabilities: ProviderConfig['models'][number]['capabilities'] = ['tools', 'json_mode', 'streaming', 'vision'];

function provider(
  fields: Pick<ProviderConfig, 'name' | 'kind' | 'models'> & Partial<ProviderConfig>,
): ProviderConfig {
  return {
    headers: {},
    location: 'cloud',
    timeouts: defaultTimeouts,
    limits: defaultLimits,
    ...fields,
  };
}

function model(name: string, extra: Partial<ProviderConfig['models'][number]> = {}): ProviderConfig['models'][number] {
  return { name, capabilities: chatCapabilities, ...extra };
}

/**
 * Builds providers from the usual environment variables so that `npm start` works without a config
 * file. Model choices follow each provider's current small / mid / large line-up in the bundled price
 * catalogue; a config file replaces all of this.
 */
export function discoverProviders(environment: NodeJS.ProcessEnv): DiscoveredProviders {
  const providers: ProviderConfig[] = [];
  const fast: string[] = [];
  const balanced: string[] = [];
  const premium: string[] = [];

  if (environment.OPENAI_API_KEY) {
    providers.push(
      provider({
        name: 'openai',
        kind: 'openai',
        api_key_env: 'OPENAI_API_KEY',
        models: [
          model('gpt-5.4-nano'),
          model('gpt-5.4-mini'),
          model('gpt-5.5', { capabilities: [...chatCapabilities, 'reasoning'] }),
          model('text-embedding-3-small', { capabilities: ['embeddings'] }),
        ],
      }),
    );
    fast.push('openai/gpt-5.4-nano');
    balanced.push('openai/gpt-5.4-mini');
    premium.push('openai/gpt-5.5');
  }
  if (environment.ANTHROPIC_API_KEY) {
    providers.push(
      provider({
        name: 'anthropic',
        kind: 'anthropic',
        api_key_env: 'ANTHROPIC_API_KEY',
        models: [model('claude-haiku-4-5'), model('claude-sonnet-4-6'), model('claude-opus-4-7')],
      }),
    );
    fast.push('anthropic/claude-haiku-4-5');
    balanced.push('anthropic/claude-sonnet-4-6');
    premium.push('anthropic/claude-opus-4-7');
  }
  if (environment.DEEPSEEK_API_KEY) {
    providers.push(
      provider({
        name: 'deepseek',
        kind: 'openai-compatible',
        preset: 'deepseek',
        api_key_env: 'DEEPSEEK_API_KEY',
        models: [model('deepseek-chat', { capabilities: ['tools', 'json_mode', 'streaming'] }), model('deepseek-reasoner', { capabilities: ['streaming', 'reasoning'] })],
      }),
    );
    fast.unshift('deepseek/deepseek-chat');
    balanced.push('deepseek/deepseek-chat');
  }
  if (environment.OPENROUTER_API_KEY) {
    providers.push(
      provider({
        name: 'openrouter',
        kind: 'openai-compatible',
        preset: 'openrouter',
        api_key_env: 'OPENROUTER_API_KEY',
        models: [
          model('openai/gpt-5.4-mini', { price_as: 'gpt-5.4-mini' }),
          model('anthropic/claude-sonnet-4-6', { price_as: 'claude-sonnet-4-6' }),
          model('deepseek/deepseek-chat', { price_as: 'deepseek-chat' }),
        ],
      }),
    );
    balanced.push('openrouter/openai/gpt-5.4-mini');
    premium.push('openrouter/anthropic/claude-sonnet-4-6');
  }
  if (environment.TOLLGATE_LOCAL_BASE_URL) {
    const localModel = environment.TOLLGATE_LOCAL_MODEL ?? 'local-model';
    providers.push(
      provider({
        name: 'local',
        kind: 'openai-compatible',
        base_url: environment.TOLLGATE_LOCAL_BASE_URL,
        api_key_env: environment.TOLLGATE_LOCAL_API_KEY ? 'TOLLGATE_LOCAL_API_KEY' : undefined,
        location: 'local',
        data_residency: true,
        models: [model(localModel, { pricing: { input_per_mtok: 0, output_per_mtok: 0 } })],
      }),
    );
    fast.unshift(`local/${localModel}`);
  }

  if (providers.length === 0) {
    providers.push(simulatedProvider());
    return {
      providers,
      simulated: true,
      tiers: {
        fast: { deployments: ['simulated/sim-small'], quality: 0.6 },
        balanced: { deployments: ['simulated/sim-medium', 'simulated/sim-small'], quality: 0.8 },
        premium: { deployments: ['simulated/sim-large', 'simulated/sim-medium'], quality: 0.95 },
      },
    };
  }
  const tiers: ConfigFile['tiers'] = {};
  const withFallback = (own: string[], next: string[]): string[] => [...new Set([...own, ...next])];
  if (fast.length > 0 || balanced.length > 0) tiers.fast = { deployments: withFallback(fast, balanced), quality: 0.6 };
  if (balanced.length > 0 || premium.length > 0) {
    tiers.balanced = { deployments: withFallback(balanced, premium), quality: 0.8 };
  }
  if (premium.length > 0 || balanced.length > 0) {
    tiers.premium = { deployments: withFallback(premium, balanced), quality: 0.95 };
  }
  return { providers, tiers, simulated: false };
}

/**
 * The built-in simulated provider: three models priced like a real small / mid / large line-up, so
 * that a newcomer sees realistic costs before adding a key.
 */
export function simulatedProvider(): ProviderConfig {
  return provider({
    name: 'simulated',
    kind: 'simulated',
    location: 'cloud',
    simulation: { protocol: 'openai', ttft_ms: 20, tokens_per_second: 400, output_tokens: 60, faults: [] },
    models: [
      model('sim-small', { price_as: 'gpt-5.4-nano' }),
      model('sim-medium', { price_as: 'gpt-5.4-mini' }),
      model('sim-large', { price_as: 'gpt-5.5' }),
      model('sim-embed', { price_as: 'text-embedding-3-small', capabilities: ['embeddings'] }),
    ],
  });
}
