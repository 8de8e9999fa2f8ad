import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateConfig } from '../../config/load-config.js';
import { createRuntime } from '../../gateway/create-runtime.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { openAiProtocol } from '../../protocols/openai/openai-protocol.js';
import { createSimulatedTransport } from '../../providers/simulated/create-simulated-transport.js';
import type { BudgetState } from '../../stages/budget/budget-layer.js';
import { type LatencyEstimator, noLatencyData } from '../../stages/route/latency-estimator.js';
import { resolveRoute } from '../../stages/route/resolve-route.js';
import { createPolicyRouter } from './create-policy-router.js';

const document = {
  providers: [
    {
      name: 'sim',
      kind: 'simulated',
      models: [
        { name: 'small', price_as: 'gpt-5.4-nano' },
        { name: 'tiny', price_as: 'gpt-5-nano' },
        { name: 'medium', price_as: 'gpt-5.4-mini' },
        { name: 'large', price_as: 'gpt-5.5' },
      ],
    },
  ],
  tiers: {
    fast: { deployments: ['sim/small', 'sim/tiny'], quality: 0.6 },
    balanced: { deployments: ['sim/medium'], quality: 0.8 },
    premium: { deployments: ['sim/large'], quality: 0.95 },
  },
};

function setup(extra: Record<string, unknown> = {}) {
  const { config } = validateConfig({ document: { ...document, ...extra }, source: 'test', environment: {} });
  const runtime = createRuntime({ config, simulated: false, transport: createSimulatedTransport({}), environment: {} });
  return { runtime, router: createPolicyRouter({ config: config.routing }) };
}

function context(directives: Partial<RequestContext['directives']> = {}): RequestContext {
  return {
    requestId: 'r',
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: 't',
      feature: 'f',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
      ...directives,
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

const ok: BudgetState = { level: 'ok', utilisation: 0.1, budget: undefined, remainingUsd: undefined };
const simple = 'Hi, thanks!';
const hard =
  'Prove step by step that the algorithm below runs in O(n log n), then refactor it:\n```python\ndef f(xs):\n    return sorted(xs)\n```\nThen:\n1. Analyse the trade-offs for our financial compliance audit.\n2. Derive the recurrence T(n) = 2T(n/2) + n and compare it with the integral bound.\n3. Justify each step; the answer must be valid JSON.';

function route(options: {
  text: string;
  budget?: BudgetState;
  directives?: Partial<RequestContext['directives']>;
  latency?: LatencyEstimator;
  extra?: Record<string, unknown>;
}) {
  const { runtime, router } = setup(options.extra);
  return resolveRoute({
    request: {
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: options.text }] }],
      stream: false,
    },
    context: context(options.directives),
    runtime,
    autoRouter: router,
    budget: options.budget ?? ok,
    latency: options.latency ?? noLatencyData,
  });
}

describe('the policy router', () => {
  it('sends a simple prompt to the cheapest tier and a hard one to the strongest, naming complexity', () => {
    const easy = route({ text: simple });
    assert.equal(easy.tier, 'fast');
    assert.equal(easy.rule, 'complexity');
    assert.match(easy.reason, /complexity 0\.\d\d/);
    const difficult = route({ text: hard });
    assert.equal(difficult.tier, 'premium');
  });

  it('orders a tier by expected cost, cheapest first', () => {
    const decision = route({ text: simple });
    assert.deepEqual(
      decision.candidates.map((candidate) => candidate.id),
      ['sim/tiny', 'sim/small'],
    );
    assert.match(decision.reason, /cheapest first: sim\/tiny/);
  });

  it('moves one tier cheaper past fallback_at and to the cheapest past throttle_at, saying budget', () => {
    const fallback = route({
      text: hard,
      budget: { level: 'fallback', utilisation: 0.85, budget: 'tenant:t/day', remainingUsd: 1 },
    });
    assert.equal(fallback.tier, 'balanced');
    assert.equal(fallback.rule, 'budget');
    assert.match(fallback.reason, /tenant:t\/day at 85%/);
    const throttle = route({
      text: hard,
      budget: { level: 'throttle', utilisation: 0.97, budget: 'tenant:t/day', remainingUsd: 0.1 },
    });
    assert.equal(throttle.tier, 'fast');
    assert.equal(throttle.rule, 'budget');
  });

  it('honours x-tollgate-min-quality', () => {
    const decision = route({ text: simple, directives: { minQuality: 0.9 } });
    assert.equal(decision.tier, 'premium');
  });

  it('keeps tiers to their allowed task types', () => {
    const extra = {
      tiers: { ...document.tiers, fast: { ...document.tiers.fast, task_types: ['sentiment', 'classification'] } },
    };
    const sentiment = route({
      text: 'Classify the sentiment of this review as positive or negative: "I love it"',
      extra,
    });
    assert.equal(sentiment.tier, 'fast');
    const other = route({ text: 'Translate "good morning" into French.', extra });
    assert.notEqual(other.tier, 'fast');
    assert.match(other.reason, /not allowed on fast/);
  });

  it('skips endpoints whose observed first-token time exceeds the latency budget, saying latency', () => {
    const slowFast: LatencyEstimator = {
      expectedFirstTokenMs: (id) => (id.startsWith('sim/small') || id === 'sim/tiny' ? 5_000 : 100),
      isDemoted: () => false,
    };
    const decision = route({ text: simple, directives: { latencyBudgetMs: 500 }, latency: slowFast });
    assert.equal(decision.tier, 'balanced');
    assert.equal(decision.rule, 'latency');
  });
});
