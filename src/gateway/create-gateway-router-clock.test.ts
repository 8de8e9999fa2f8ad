import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { validateConfig } from '../config/load-config.js';
import { createLogger } from '../logging/create-logger.js';
import { NO_BUDGET, testContext } from '../routing/policy/__fixtures__/route-test-kit.js';
import type { ChatRequest } from '../spec/index.js';
import { noLatencyData } from '../stages/route/latency-estimator.js';
import { resolveRoute } from '../stages/route/resolve-route.js';
import { createGateway, type Gateway } from './create-gateway.js';

const SYSTEM_PROMPT = Array.from(
  { length: 100 },
  (_, index) => `Rule ${index + 1}: analyse the contract step by step, compare the trade-offs and justify the answer.`,
).join('\n');
const ASK = 'Analyse our financial compliance audit step by step: compare the two contracts and justify each step.';

function chat(ask: string): ChatRequest {
  return {
    model: 'auto',
    stream: false,
    messages: [
      { role: 'system', content: [{ type: 'text', text: SYSTEM_PROMPT }] },
      { role: 'user', content: [{ type: 'text', text: ask }] },
    ],
  };
}

describe('createGateway routerClock', () => {
  let gateway: Gateway | undefined;
  after(async () => gateway?.close());

  it('ages recently sent prefixes on the given clock, as a replay on trace time needs', async () => {
    const { config } = validateConfig({
      source: 'test',
      environment: {},
      document: {
        providers: [
          { name: 'openai', kind: 'simulated', models: [{ name: 'gpt-5.5', price_as: 'gpt-5.5' }] },
          {
            name: 'anthropic',
            kind: 'simulated',
            simulation: { protocol: 'anthropic' },
            models: [{ name: 'claude-opus-4-7', price_as: 'claude-opus-4-7' }],
          },
        ],
        tiers: { premium: { deployments: ['anthropic/claude-opus-4-7', 'openai/gpt-5.5'] } },
        storage: { ledger: 'off' },
        // Without gateway breakpoints only OpenAI caches the prefix, so its recency decides the order.
        cache: { prefix: { enabled: false } },
      },
    });
    let clock = Date.parse('2026-03-03T09:00:00Z');
    gateway = await createGateway({
      config,
      environment: {},
      logger: createLogger({ level: 'silent' }),
      batch: false,
      routerClock: () => clock,
    });
    const { core } = gateway;
    const route = (request: ChatRequest) =>
      resolveRoute({
        request,
        context: testContext(),
        runtime: core.runtime,
        autoRouter: core.autoRouter,
        budget: NO_BUDGET,
        latency: noLatencyData,
      });
    assert.equal(route(chat(ASK)).candidates[0]?.id, 'anthropic/claude-opus-4-7');
    // A minute later on this clock (milliseconds of wall time): OpenAI still caches the prefix.
    clock += 60_000;
    assert.equal(route(chat(`${ASK} Again.`)).candidates[0]?.id, 'openai/gpt-5.5');
    // Ten minutes later on this clock: cold again, whatever the wall clock says.
    clock += 10 * 60_000;
    assert.equal(route(chat(`${ASK} Once more.`)).candidates[0]?.id, 'anthropic/claude-opus-4-7');
  });
});
