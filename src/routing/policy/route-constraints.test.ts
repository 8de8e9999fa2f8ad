import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import type { LatencyEstimator } from '../../stages/route/latency-estimator.js';
import { routeWith, testRuntime, userRequest } from './__fixtures__/route-test-kit.js';

const runtime = testRuntime({
  providers: [
    {
      name: 'box',
      kind: 'simulated',
      location: 'local',
      models: [
        { name: 'l-small', price_as: 'gpt-5-nano', capabilities: ['json_mode', 'streaming'], context_window: 1_000 },
      ],
    },
    {
      name: 'cloud',
      kind: 'simulated',
      models: [
        { name: 'c-small', price_as: 'gpt-5.4-nano', capabilities: ['tools', 'json_mode', 'streaming'] },
        { name: 'c-vision', price_as: 'gpt-5.4-mini', capabilities: ['vision', 'tools', 'streaming'] },
        {
          name: 'c-large',
          price_as: 'gpt-5.5',
          capabilities: ['tools', 'json_mode', 'streaming'],
          context_window: 200_000,
        },
      ],
    },
  ],
  tiers: {
    fast: { deployments: ['box/l-small', 'cloud/c-small'], quality: 0.6 },
    premium: { deployments: ['cloud/c-vision', 'cloud/c-large'], quality: 0.95 },
  },
});

const ids = (decision: { candidates: { id: string }[] }) => decision.candidates.map((candidate) => candidate.id);
const longText = 'word '.repeat(1_500);
const tool = { name: 'lookup', parameters: { type: 'object', properties: {} } };

function thrown(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof GatewayError, String(error));
    return error;
  }
  assert.fail('expected a GatewayError');
}

describe('route constraints', () => {
  it('serves x-tollgate-data-residency: local only from local endpoints, saying residency', () => {
    for (const model of ['auto', 'fast']) {
      const decision = routeWith({
        runtime,
        request: userRequest('Hi!', { model }),
        directives: { dataResidency: 'local' },
      });
      assert.deepEqual(ids(decision), ['box/l-small'], model);
      assert.equal(decision.rule, 'residency');
    }
  });

  it('refuses local-only traffic with a clear error when no local endpoint can take it', () => {
    const cloudOnly = thrown(() =>
      routeWith({ runtime, request: userRequest('Hi!', { model: 'premium' }), directives: { dataResidency: 'local' } }),
    );
    assert.equal(cloudOnly.code, 'no_route');
    assert.match(cloudOnly.message, /No local endpoint can serve "premium" \(x-tollgate-data-residency: local\)/);
    const needsTools = thrown(() =>
      routeWith({
        runtime,
        request: userRequest('Look it up', { tools: [tool] }),
        directives: { dataResidency: 'local' },
      }),
    );
    assert.match(needsTools.message, /No local endpoint with tools/);
  });

  it('never routes a request to a deployment without a capability it needs', () => {
    const withTools = routeWith({ runtime, request: userRequest('Hi!', { model: 'fast', tools: [tool] }) });
    assert.deepEqual(ids(withTools), ['cloud/c-small']);
    const image: ChatRequest = {
      model: 'auto',
      stream: false,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', url: 'https://example.com/a.png' },
          ],
        },
      ],
    };
    const vision = routeWith({ runtime, request: image });
    assert.deepEqual(ids(vision), ['cloud/c-vision']);
    const json = routeWith({
      runtime,
      request: userRequest('Answer in JSON.', { model: 'premium', responseFormat: { type: 'json_object' } }),
    });
    assert.deepEqual(ids(json), ['cloud/c-large']);
    const explicit = thrown(() =>
      routeWith({ runtime, request: userRequest('Hi', { model: 'l-small', tools: [tool] }) }),
    );
    assert.equal(explicit.code, 'invalid_request');
    assert.match(explicit.message, /supports what this request needs with tools/);
  });

  it('keeps a prompt off deployments whose context window it overflows', () => {
    const long = routeWith({ runtime, request: userRequest(longText, { model: 'fast' }) });
    assert.deepEqual(ids(long), ['cloud/c-small']);
    const short = routeWith({ runtime, request: userRequest('Hi', { model: 'fast' }) });
    assert.ok(ids(short).includes('box/l-small'));
    const withOutput = routeWith({ runtime, request: userRequest('Hi', { model: 'fast', maxOutputTokens: 2_000 }) });
    assert.ok(!ids(withOutput).includes('box/l-small'), 'input plus max_tokens must fit');
    const tooLong = thrown(() => routeWith({ runtime, request: userRequest(longText, { model: 'l-small' }) }));
    assert.equal(tooLong.code, 'context_length_exceeded');
    assert.match(tooLong.message, /largest context window .* is 1000 tokens/);
  });

  it('skips an endpoint of the chosen tier whose first-token time plus queue wait exceeds the latency budget', () => {
    const latency: LatencyEstimator = {
      expectedFirstTokenMs: (id) => (id === 'box/l-small' ? 2_000 : 50),
      isDemoted: () => false,
    };
    const decision = routeWith({
      runtime,
      request: userRequest('Hi!', { model: 'auto' }),
      directives: { latencyBudgetMs: 500 },
      latency,
    });
    assert.equal(decision.tier, 'fast');
    assert.deepEqual(ids(decision), ['cloud/c-small']);
    assert.equal(decision.rule, 'latency');
    assert.match(decision.reason, /latency budget 500 ms skips box\/l-small/);
    const relaxed = routeWith({
      runtime,
      request: userRequest('Hi!', { model: 'auto' }),
      directives: { latencyBudgetMs: 5_000 },
      latency,
    });
    assert.ok(ids(relaxed).includes('box/l-small'));
  });

  it('tries an endpoint below its output-speed floor last while it is demoted', () => {
    const demoted: LatencyEstimator = {
      expectedFirstTokenMs: () => undefined,
      isDemoted: (id) => id === 'box/l-small',
    };
    const normal = routeWith({ runtime, request: userRequest('Hi!') });
    assert.equal(ids(normal)[0], 'box/l-small', 'the local box is the cheapest');
    const decision = routeWith({ runtime, request: userRequest('Hi!'), latency: demoted });
    assert.deepEqual(ids(decision), ['cloud/c-small', 'box/l-small']);
    assert.equal(decision.rule, 'latency');
    assert.match(decision.reason, /below output-speed floor, tried last: box\/l-small/);
  });
});
