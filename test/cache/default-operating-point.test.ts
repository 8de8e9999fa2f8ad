import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../src/cache/semantic/adaptive-thresholds.js';
import { loadShippedPairClassifier } from '../../src/cache/semantic/pair-classifier.js';
import { verifyCandidate } from '../../src/cache/semantic/verify-candidate.js';
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

  it('runs the shipped learned verifier at the probability npm run train:verifier chose', async () => {
    // Every similarity is 1 with this embedder, so the verdicts below are the verifier's alone.
    const learned = (query: string, candidate: string) =>
      verifyCandidate({ query, candidate, similarity: 1 }).accept ? 'hit-semantic' : 'miss';
    const rules = (query: string, candidate: string) =>
      verifyCandidate({ query, candidate, similarity: 1 }, { mode: 'rules' }).accept ? 'hit-semantic' : 'miss';
    const cached = 'Where can I buy cheap phones?';
    // A rewording the hand-written rules serve and the shipped model, at its operating point, does not:
    // the gateway's answer shows which verifier is in force.
    const rewording = 'Where can I buy a cheap phone';
    assert.equal(rules(rewording, cached), 'hit-semantic');
    assert.equal(learned(rewording, cached), 'miss');
    assert.ok(loadShippedPairClassifier().minProbability > 0.5);

    assert.equal(await ask(cached), 'miss');
    assert.equal(await ask(rewording), learned(rewording, cached));
    // The same question re-cased is served; a changed number or a negation never is.
    assert.equal(await ask('where can I buy cheap phones'), 'hit-semantic');
    assert.equal(await ask('How do I buy 2 cheap phones?'), 'miss');
    assert.equal(await ask('How do I buy 3 cheap phones?'), 'miss');
    assert.equal(await ask('Why are cheap phones bad?'), 'miss');
    assert.equal(await ask('Why are cheap phones not bad?'), 'miss');
  });
});
