import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../src/cache/semantic/adaptive-thresholds.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

/** Every text at similarity 1 to every other: what the gateway serves is then the verifier's call alone. */
function createConstantEmbedder(): Embedder {
  const vector = new Float32Array(8).fill(1 / Math.sqrt(8));
  return { id: 'constant', dimensions: 8, embed: async (texts) => texts.map(() => vector.slice()) };
}

describe('the default semantic operating point is the one npm run eval:cache measured', () => {
  const config = twoProtocolConfig({ cache: { enabled: true, semantic: { enabled: true } } });
  let harness: TestGateway;
  let layer: GatewayCacheLayer;
  let openai: OpenAI;

  before(async () => {
    layer = await createCacheLayer({
      config: configSchema.parse(config),
      logger: createLogger({ level: 'silent' }),
      embedder: createConstantEmbedder(),
    });
    harness = await startTestGateway({ config, cache: layer });
    openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await harness.close();
    await layer.close();
  });

  const ask = async (question: string) => {
    const { response } = await openai.chat.completions
      .create({ model: 'fast', temperature: 0, messages: [{ role: 'user', content: question }] })
      .withResponse();
    await layer.flush();
    return response.headers.get('x-tollgate-cache');
  };

  it('starts every cluster at the threshold the evaluation used', () => {
    assert.equal(configSchema.parse(config).cache.semantic.threshold, DEFAULT_SEMANTIC_THRESHOLD);
  });

  it('serves a rewording, but not a changed question frame or swapped roles, with the default verifier', async () => {
    assert.equal(await ask('Where can I buy cheap phones?'), 'miss');
    assert.equal(await ask('Where can I buy a cheap phone'), 'hit-semantic');
    // "can" → "do" and an added "a": three function words, a different question as far as Quora's labels go.
    assert.equal(await ask('Where do I buy a cheap phone'), 'miss');
    assert.equal(await ask('Why do cats chase dogs in cartoons?'), 'miss');
    assert.equal(await ask('Why do dogs chase cats in cartoons?'), 'miss');
  });
});
