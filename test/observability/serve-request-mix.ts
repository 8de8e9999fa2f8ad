/**
 * A known mix of traffic for the observability tests: three tenants and four features over a cheap
 * and a premium tier, a router-chosen model, streams, exact-cache repeats, repeats with the cache
 * off, a retry-then-fallback chain, an upstream failure and an unknown model.
 */

/** The config the mix runs against. `baseline` is the premium deployment, so cheap routing saves money. */
export function mixConfig(budgetLimitUsd: number): Record<string, unknown> {
  return {
    server: { max_retries: 1 },
    providers: [
      {
        name: 'sim-openai',
        kind: 'simulated',
        simulation: { protocol: 'openai', ttft_ms: 0 },
        limits: { max_concurrency: 8 },
        models: [{ name: 'oa-small', price_as: 'gpt-5.4-nano' }],
      },
      {
        name: 'sim-anthropic',
        kind: 'simulated',
        simulation: { protocol: 'anthropic', ttft_ms: 0 },
        models: [{ name: 'an-large', price_as: 'claude-sonnet-4-5' }],
      },
      {
        name: 'flaky',
        kind: 'simulated',
        simulation: { protocol: 'openai', ttft_ms: 0, faults: [{ kind: 'server_error', probability: 1 }] },
        models: [{ name: 'flaky-model', price_as: 'gpt-5.4-mini' }],
      },
    ],
    tiers: {
      fast: { deployments: ['sim-openai/oa-small'] },
      premium: { deployments: ['sim-anthropic/an-large'] },
      chain: { deployments: ['flaky/flaky-model', 'sim-openai/oa-small'] },
    },
    routing: { tier_order: ['fast', 'premium'] },
    aliases: { 'flaky-only': ['flaky/flaky-model'] },
    baseline: 'sim-anthropic/an-large',
    cache: { enabled: true },
    budgets: [
      { name: 'acme-daily', scope: 'tenant', match: 'acme', limit_usd: budgetLimitUsd },
      // No request fits: the first one is refused, which crosses its limit (a live alert in the dashboard test).
      { name: 'umbrella-daily', scope: 'tenant', match: 'umbrella', limit_usd: 0.000001 },
    ],
  };
}

/** One request of the mix. */
export interface MixRequest {
  tenant: string;
  feature: string;
  model: string;
  prompt: string;
  stream?: boolean;
  cache?: 'on' | 'off';
  /** Caps the answer, and with it the worst case a budget must hold. */
  maxTokens?: number;
}

/** The mix, in order. Prompts differ, except the deliberate repeats. */
export const REQUEST_MIX: readonly MixRequest[] = [
  {
    tenant: 'acme',
    feature: 'search',
    model: 'fast',
    prompt: 'Find the invoice from March about toll roads.',
    maxTokens: 40,
  },
  { tenant: 'acme', feature: 'search', model: 'fast', prompt: 'Which bridges charge a toll at night?', maxTokens: 40 },
  {
    tenant: 'acme',
    feature: 'chat',
    model: 'premium',
    prompt: 'Explain congestion pricing to a new city planner.',
    maxTokens: 40,
  },
  {
    tenant: 'acme',
    feature: 'chat',
    model: 'premium',
    prompt: 'Draft a short note about road maintenance.',
    stream: true,
    maxTokens: 40,
  },
  { tenant: 'globex', feature: 'summarise', model: 'auto', prompt: 'Summarise: the toll booth opened at nine.' },
  {
    tenant: 'globex',
    feature: 'summarise',
    model: 'auto',
    prompt:
      'Write a careful, step-by-step analysis comparing three strategies for financing a new suspension bridge, including bonds, tolls and public-private partnerships, with risks for each and a recommendation.',
  },
  { tenant: 'globex', feature: 'search', model: 'fast', prompt: 'Repeat me: what is a toll gate?' },
  { tenant: 'globex', feature: 'search', model: 'fast', prompt: 'Repeat me: what is a toll gate?' },
  { tenant: 'globex', feature: 'search', model: 'fast', prompt: 'Uncached: list three toll roads.', cache: 'off' },
  { tenant: 'globex', feature: 'search', model: 'fast', prompt: 'Uncached: list three toll roads.', cache: 'off' },
  { tenant: 'initech', feature: 'extract', model: 'chain', prompt: 'Extract the amount from: toll 4.50 EUR.' },
  { tenant: 'initech', feature: 'extract', model: 'flaky-only', prompt: 'This one fails upstream.' },
  { tenant: 'initech', feature: 'extract', model: 'no-such-model', prompt: 'This one names no model we serve.' },
];

/** What the gateway answered. */
export interface MixResponse {
  status: number;
  requestId: string | null;
  body: string;
}

/** Sends one request of the mix through the OpenAI-compatible endpoint. */
export async function sendMixRequest(options: {
  url: string;
  request: MixRequest;
  headers?: Record<string, string>;
}): Promise<MixResponse> {
  const { request } = options;
  const response = await fetch(`${options.url}/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-tollgate-tenant': request.tenant,
      'x-tollgate-feature': request.feature,
      ...(request.cache === 'off' ? { 'x-tollgate-cache': 'off' } : {}),
      ...options.headers,
    },
    body: JSON.stringify({
      model: request.model,
      messages: [{ role: 'user', content: request.prompt }],
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
      ...(request.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  return {
    status: response.status,
    requestId: response.headers.get('x-tollgate-request-id'),
    body: await response.text(),
  };
}
