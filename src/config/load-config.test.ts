import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, validateConfig } from './load-config.js';

const validate = (document: unknown, environment: NodeJS.ProcessEnv = {}) =>
  validateConfig({ document, source: 'test.yaml', environment });

describe('validateConfig', () => {
  it('starts the simulated provider when nothing is configured and no key is set', () => {
    const { config, simulated } = validate({});
    assert.equal(simulated, true);
    assert.deepEqual(
      config.providers.map((provider) => provider.kind),
      ['simulated'],
    );
    assert.deepEqual(Object.keys(config.tiers), ['fast', 'balanced', 'premium']);
  });

  it('discovers providers from the usual environment variables', () => {
    const { config, simulated } = validate({}, {
      OPENAI_API_KEY: 'sk-test',
      ANTHROPIC_API_KEY: 'sk-ant-test',
      DEEPSEEK_API_KEY: 'x',
      OPENROUTER_API_KEY: 'y',
      TOLLGATE_LOCAL_BASE_URL: 'http://127.0.0.1:8080/v1',
    });
    assert.equal(simulated, false);
    assert.deepEqual(
      config.providers.map((provider) => provider.name),
      ['openai', 'anthropic', 'deepseek', 'openrouter', 'local'],
    );
    const local = config.providers.find((provider) => provider.name === 'local');
    assert.equal(local?.location, 'local');
    assert.ok(config.tiers.fast?.deployments.includes('local/local-model'));
  });

  it('names the bad key and why', () => {
    assert.throws(
      () => validate({ providers: [{ name: 'x', kind: 'openai', models: [{ name: 'm' }], timeouts: { connect_ms: -1 } }] }),
      (error: unknown) => error instanceof ConfigError && /providers\.0\.timeouts\.connect_ms/.test(error.message),
    );
    assert.throws(
      () => validate({ server: { prot: 4000 } }),
      (error: unknown) => error instanceof ConfigError && /prot/.test(error.message),
    );
  });

  it('refuses a key written into the file', () => {
    assert.throws(
      () => validate({ providers: [{ name: 'x', kind: 'openai', api_key: 'sk-secret', models: [{ name: 'm' }] }] }),
      (error: unknown) => error instanceof ConfigError && /api_key/.test(error.message) && !/sk-secret/.test(error.message),
    );
  });

  it('checks that tiers and aliases name configured deployments', () => {
    assert.throws(
      () =>
        validate({
          providers: [{ name: 'p', kind: 'simulated', models: [{ name: 'm' }] }],
          tiers: { fast: { deployments: ['p/missing'] } },
        }),
      (error: unknown) => error instanceof ConfigError && /tiers\.fast\.deployments\.0.*p\/missing/.test(error.message),
    );
  });
});

describe('tollgate.example.yaml', () => {
  it('is a valid configuration (it documents every option with its default)', async () => {
    const { loadConfig } = await import('./load-config.js');
    const loaded = loadConfig({ path: new URL('../../tollgate.example.yaml', import.meta.url).pathname, environment: {} });
    assert.ok(loaded.config.providers.length >= 5);
    assert.equal(loaded.simulated, false);
  });
});
