/** A simulated model priced like a catalogue model. */
function model(name: string): Record<string, unknown> {
  return { name, price_as: name, capabilities: ['tools', 'json_mode', 'streaming', 'vision'] };
}

/**
 * The config `tollgate replay` uses without `--config`: three simulated providers speaking the OpenAI
 * and Anthropic wire protocols, each model priced like today's catalogue model of the same name, in
 * three tiers whose first choices differ in price by ~25× (fast) and ~7× (balanced) from the baseline.
 * The fast tier has two providers so that a price scenario (`--scale provider=deepseek:2`) can move
 * traffic between them. Exact and semantic caching and Anthropic prefix breakpoints are on; routing is
 * the heuristic classifier. Baseline: `openai/gpt-5.5`, the frontier model a team would call directly.
 */
export function defaultReplayConfig(): Record<string, unknown> {
  return {
    providers: [
      {
        name: 'openai',
        kind: 'simulated',
        simulation: { protocol: 'openai' },
        models: [model('gpt-5.4-nano'), model('gpt-5.4-mini'), model('gpt-5.5')],
      },
      {
        name: 'anthropic',
        kind: 'simulated',
        simulation: { protocol: 'anthropic' },
        models: [model('claude-haiku-4-5'), model('claude-sonnet-4-6'), model('claude-opus-4-7')],
      },
      {
        name: 'deepseek',
        kind: 'simulated',
        simulation: { protocol: 'openai' },
        models: [model('deepseek-chat')],
      },
    ],
    tiers: {
      fast: { deployments: ['deepseek/deepseek-chat', 'openai/gpt-5.4-nano'], quality: 0.6 },
      balanced: { deployments: ['openai/gpt-5.4-mini', 'anthropic/claude-haiku-4-5'], quality: 0.8 },
      premium: { deployments: ['openai/gpt-5.5', 'anthropic/claude-opus-4-7'], quality: 0.95 },
    },
    baseline: 'openai/gpt-5.5',
    cache: {
      enabled: true,
      exact: { enabled: true },
      semantic: { enabled: true, threshold: 0.9 },
      prefix: { enabled: true },
    },
  };
}
