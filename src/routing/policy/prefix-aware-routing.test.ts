import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../../spec/index.js';
import { noLatencyData } from '../../stages/route/latency-estimator.js';
import { resolveRoute } from '../../stages/route/resolve-route.js';
import type { RouteDecision } from '../../stages/route/route-decision.js';
import { NO_BUDGET, testContext, testRuntime } from './__fixtures__/route-test-kit.js';
import { createPolicyRouter } from './create-policy-router.js';

/** A long, stable system prompt full of words the classifier reads as complex (design, analyse, steps). */
const SYSTEM_PROMPT = Array.from(
  { length: 40 },
  (_, index) =>
    `Rule ${index + 1}: first analyse the customer's legal and financial situation, then design a plan step by step, compare the trade-offs and justify the answer; the answer must be valid JSON.`,
).join('\n');

function chat(system: string | undefined, ...turns: string[]): ChatRequest {
  const messages: ChatRequest['messages'] = system
    ? [{ role: 'system', content: [{ type: 'text', text: system }] }]
    : [];
  turns.forEach((text, index) => {
    messages.push(
      index % 2 === 0
        ? { role: 'user', content: [{ type: 'text', text }] }
        : { role: 'assistant', content: [{ type: 'text', text }] },
    );
  });
  return { model: 'auto', messages, stream: false };
}

function model(name: string): Record<string, unknown> {
  return { name, price_as: name };
}

/** The replay's line-up in miniature: premium is gpt-5.5 (OpenAI, caches by itself) or claude-opus-4-7. */
function setup(options: { breakpoints: boolean }) {
  const runtime = testRuntime({
    providers: [
      { name: 'openai', kind: 'simulated', models: [model('gpt-5.4-nano'), model('gpt-5.5')] },
      {
        name: 'anthropic',
        kind: 'simulated',
        simulation: { protocol: 'anthropic' },
        models: [model('claude-opus-4-7')],
      },
    ],
    tiers: {
      fast: { deployments: ['openai/gpt-5.4-nano'] },
      premium: { deployments: ['anthropic/claude-opus-4-7', 'openai/gpt-5.5'] },
    },
    routing: { thresholds: [0.35] },
    cache: { prefix: { enabled: options.breakpoints } },
  });
  let clock = Date.parse('2026-03-03T09:00:00Z');
  const autoRouter = createPolicyRouter({ config: runtime.config.routing, now: () => clock });
  const route = (request: ChatRequest, atMinutes = 0): RouteDecision => {
    clock += atMinutes * 60_000;
    return resolveRoute({
      request,
      context: testContext(),
      runtime,
      autoRouter,
      budget: NO_BUDGET,
      latency: noLatencyData,
    });
  };
  return { route };
}

const HARD_ASK =
  'Analyse our financial compliance audit step by step: first compare the two contracts, then derive the liability, and justify each step.';

describe('policy router: the task, not the system prompt', () => {
  it('sends a short question under a long complex system prompt to the fast tier, and a hard one to premium', () => {
    const { route } = setup({ breakpoints: false });
    const simple = route(chat(SYSTEM_PROMPT, 'How do I reset my password?'));
    assert.equal(simple.tier, 'fast', simple.reason);
    const hard = route(chat(SYSTEM_PROMPT, HARD_ASK));
    assert.equal(hard.tier, 'premium', hard.reason);
  });

  it('reads a follow-up with the earlier user turn, not with the assistant answer', () => {
    const { route } = setup({ breakpoints: false });
    const followUp = route(chat(undefined, HARD_ASK, 'Here is a short answer.', 'And the second contract?'));
    assert.equal(followUp.tier, 'premium', followUp.reason);
    const chatty = route(chat(undefined, 'Hi!', `${HARD_ASK} ${HARD_ASK}`, 'Thanks, bye.'));
    assert.equal(chatty.tier, 'fast', chatty.reason);
  });
});

describe('policy router: the cost rule counts provider prefix caching', () => {
  it('moves a recurring long system prompt to the deployment that caches it, and back when it went cold', () => {
    const { route } = setup({ breakpoints: false });
    // First sending: list prices only; claude-opus-4-7's cheaper output wins.
    const first = route(chat(SYSTEM_PROMPT, HARD_ASK));
    assert.equal(first.candidates[0]?.id, 'anthropic/claude-opus-4-7', first.reason);
    // Sent again a minute later: gpt-5.5 reads the prefix back at a tenth of the input price, and
    // Anthropic without breakpoints caches nothing.
    const second = route(chat(SYSTEM_PROMPT, `${HARD_ASK} Also the third contract.`), 1);
    assert.equal(second.candidates[0]?.id, 'openai/gpt-5.5', second.reason);
    assert.equal(second.rule, 'cost');
    assert.match(
      second.reason,
      /cheapest first: openai\/gpt-5\.5 \(a ~\d+-token prefix sent recently, priced as cache reads\)/,
    );
    // Past OpenAI's cache lifetime (5 minutes idle) the prefix is cold again.
    const cold = route(chat(SYSTEM_PROMPT, `${HARD_ASK} And a fourth.`), 6);
    assert.equal(cold.candidates[0]?.id, 'anthropic/claude-opus-4-7', cold.reason);
  });

  it('keeps the cheaper-output deployment when the gateway places Anthropic breakpoints (both cache)', () => {
    const { route } = setup({ breakpoints: true });
    route(chat(SYSTEM_PROMPT, HARD_ASK));
    const second = route(chat(SYSTEM_PROMPT, `${HARD_ASK} Again.`), 1);
    assert.equal(second.candidates[0]?.id, 'anthropic/claude-opus-4-7', second.reason);
  });

  it('counts the previous turn of a conversation as a recurring prefix, and different system prompts as not', () => {
    const { route } = setup({ breakpoints: false });
    const history = `${SYSTEM_PROMPT}\n${SYSTEM_PROMPT}`;
    const turn1 = route(chat(undefined, `${history}\n${HARD_ASK}`));
    assert.equal(turn1.candidates[0]?.id, 'anthropic/claude-opus-4-7', turn1.reason);
    const turn2 = route(chat(undefined, `${history}\n${HARD_ASK}`, 'An answer.', HARD_ASK), 1);
    assert.equal(turn2.candidates[0]?.id, 'openai/gpt-5.5', turn2.reason);
    const other = route(chat(`${SYSTEM_PROMPT} (version 2)`, HARD_ASK), 1);
    assert.equal(other.candidates[0]?.id, 'anthropic/claude-opus-4-7', other.reason);
  });
});
