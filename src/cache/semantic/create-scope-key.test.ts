import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createScopeKey } from './create-scope-key.js';

describe('createScopeKey', () => {
  it('gives one key per scope, asked again or with sampling keys in another order', () => {
    const scope = {
      tenant: 'acme',
      modelTier: 'fast',
      systemPrompt: 'Be brief.',
      sampling: { temperature: 0, top_p: 1 },
    };
    const first = createScopeKey(scope);
    assert.match(first, /^scope:v1:[0-9a-f]{64}$/);
    assert.equal(createScopeKey({ ...scope }), first);
    assert.equal(createScopeKey({ ...scope, sampling: { top_p: 1, temperature: 0 } }), first);
  });

  it('separates scopes that differ in any field, and treats no system prompt as an empty one', () => {
    const base = { tenant: 'acme', modelTier: 'fast', sampling: { temperature: 0 } };
    const keys = new Set([
      createScopeKey(base),
      createScopeKey({ ...base, tenant: 'globex' }),
      createScopeKey({ ...base, modelTier: 'premium' }),
      createScopeKey({ ...base, systemPrompt: 'Be brief.' }),
      createScopeKey({ ...base, sampling: { temperature: 0.2 } }),
      // A delimiter inside a field must not make two scopes one.
      createScopeKey({ ...base, tenant: 'acme","fast', modelTier: '' }),
    ]);
    assert.equal(keys.size, 6);
    assert.equal(createScopeKey({ ...base, systemPrompt: '' }), createScopeKey(base));
  });

  it('keys a long system prompt (not memoised) the same way every time and apart from a shorter one', () => {
    const long = 'You answer questions about routers. '.repeat(400);
    const scope = { tenant: 'acme', modelTier: 'fast', systemPrompt: long };
    assert.equal(createScopeKey(scope), createScopeKey({ ...scope }));
    assert.notEqual(createScopeKey(scope), createScopeKey({ ...scope, systemPrompt: long.slice(1) }));
  });
});
