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
    assert.match(easy.reason, /^complexity 0\.\d\d.* → fast/);
    const difficult = route({ text: hard });
    assert.equal(difficult.tier, 'premium');
    assert.equal(difficult.rule, 'complexity');
  });

  it('orders a tier by expected cost, cheapest first', () => {
    const decision = route({ text: simple });
    assert.deepEqual(
      decision.candidates.map((candidate) => candidate.id),
      ['sim/tiny', 'sim/small'],
    );
    assert.match(decision.reason, /cheapest first: sim\/tiny/);
    assert.equal(decision.rule, 'cost', 'the cost rule changed the outcome within the tier');
  });

  it('past fallback_at values cost more smoothly, saying budget, and past throttle_at takes the cheapest tier', () => {
    const prompts = [
      simple,
      hard,
      'Summarise this paragraph in two sentences: the meeting covered budgets, hiring and the roadmap.',
      'Write a Python function that parses ISO dates and explain the edge cases step by step.',
      'Why is the sky blue? Explain the physics, compare Rayleigh and Mie scattering, and derive the λ^-4 law.',
      'Analyse the trade-offs of our compliance audit plan and justify each recommendation with evidence.',
      'List three fruits.',
      'Refactor this code for clarity:\n```js\nfunction f(a){return a.map(x=>x*2).filter(x=>x>3)}\n```',
    ];
    const tierIndex = { fast: 0, balanced: 1, premium: 2 } as Record<string, number>;
    const meanTier = (utilisation: number) => {
      const level = utilisation >= 0.95 ? 'throttle' : utilisation >= 0.8 ? 'fallback' : 'ok';
      const budget: BudgetState = {
        level,
        utilisation,
        budget: 'tenant:t/day',
        remainingUsd: 1,
        fallbackAt: 0.8,
        throttleAt: 0.95,
      };
      const tiers = prompts.map(
        (text) => route({ text, budget, extra: { routing: { budget_quality_relief: 0.5 } } }).tier,
      );
      return tiers.reduce((sum, tier) => sum + (tierIndex[tier as string] as number), 0) / prompts.length;
    };
    const levels = [0.5, 0.79, 0.8, 0.84, 0.88, 0.92, 0.949];
    const means = levels.map(meanTier);
    assert.equal(means[2], means[1], 'nothing jumps at fallback_at itself');
    for (let index = 1; index < means.length; index += 1) {
      assert.ok((means[index] as number) <= (means[index - 1] as number), `non-increasing: ${means.join(', ')}`);
    }
    assert.ok((means.at(-1) as number) < (means[2] as number), `cheaper by throttle_at: ${means.join(', ')}`);
    // More than one step on the way: the drift is gradual, not a single switch.
    assert.ok(new Set(means).size >= 3, `gradual: ${means.join(', ')}`);

    const pushed = route({
      text: hard,
      budget: {
        level: 'fallback',
        utilisation: 0.93,
        budget: 'tenant:t/day',
        remainingUsd: 1,
        fallbackAt: 0.8,
        throttleAt: 0.95,
      },
      extra: { routing: { budget_quality_relief: 0.5 } },
    });
    assert.equal(pushed.rule, 'budget');
    assert.match(pushed.reason, /tenant:t\/day at 93% values cost more/);
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
