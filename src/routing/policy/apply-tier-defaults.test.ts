import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testRuntime, userRequest } from './__fixtures__/route-test-kit.js';
import { applyTierDefaults } from './apply-tier-defaults.js';

const runtime = testRuntime({
  providers: [
    {
      name: 'sim',
      kind: 'simulated',
      models: [
        { name: 'json-ok', price_as: 'gpt-5.4-nano', capabilities: ['json_mode', 'tools'] },
        { name: 'no-json', price_as: 'gpt-5-nano', capabilities: ['tools'] },
      ],
    },
  ],
  tiers: {
    extract: { deployments: ['sim/json-ok'], response_format: 'json_object', system_prompt: 'Reply with JSON only.' },
    mixed: { deployments: ['sim/json-ok', 'sim/no-json'], response_format: 'json_object' },
    plain: { deployments: ['sim/no-json'] },
  },
});

describe('applyTierDefaults', () => {
  it('puts the system prompt first and turns JSON mode on, with a warning', () => {
    const warnings: string[] = [];
    const request = userRequest('Extract the names.', {
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are helpful.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Extract the names.' }] },
      ],
    });
    const shaped = applyTierDefaults({ request, tier: runtime.tiers.get('extract'), context: { warnings } });
    assert.deepEqual(
      shaped.messages.map((message) => message.role),
      ['system', 'system', 'user'],
    );
    assert.deepEqual(shaped.messages[0]?.content, [{ type: 'text', text: 'Reply with JSON only.' }]);
    assert.deepEqual(shaped.responseFormat, { type: 'json_object' });
    assert.deepEqual(warnings, ['tier extract defaults applied: system prompt, JSON mode']);
  });

  it("keeps the client's own format, and never forces JSON on tools or on deployments without JSON mode", () => {
    const own = applyTierDefaults({
      request: userRequest('x', { responseFormat: { type: 'text' } }),
      tier: runtime.tiers.get('extract'),
      context: { warnings: [] },
    });
    assert.deepEqual(own.responseFormat, { type: 'text' });
    const warnings: string[] = [];
    const tools = applyTierDefaults({
      request: userRequest('x', { tools: [{ name: 't', parameters: {} }] }),
      tier: runtime.tiers.get('mixed'),
      context: { warnings },
    });
    assert.equal(tools.responseFormat, undefined);
    const mixed = applyTierDefaults({
      request: userRequest('x'),
      tier: runtime.tiers.get('mixed'),
      context: { warnings },
    });
    assert.equal(mixed.responseFormat, undefined);
    assert.match(warnings.join('\n'), /JSON mode not applied to a request with tools/);
    assert.match(warnings.join('\n'), /JSON mode not applied \(no json_mode on sim\/no-json\)/);
  });

  it('leaves requests on tiers without defaults untouched', () => {
    const request = userRequest('x');
    const warnings: string[] = [];
    assert.equal(applyTierDefaults({ request, tier: runtime.tiers.get('plain'), context: { warnings } }), request);
    assert.deepEqual(warnings, []);
  });
});
