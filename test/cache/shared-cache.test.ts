import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import { createHashingEmbedder } from '../../src/cache/semantic/__fixtures__/create-hashing-embedder.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { openAiProtocol } from '../../src/protocols/openai/openai-protocol.js';
import type { ChatRequest } from '../../src/spec/index.js';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

const REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('exact cache shared through real Redis by two gateway instances', () => {
  const prefix = `tollgate-test:${randomUUID()}:`;
  const config = twoProtocolConfig({
    storage: { ledger: 'off', shared_state: REDIS_URL, shared_state_prefix: prefix },
    cache: { enabled: true },
  });
  const instances: { harness: TestGateway; layer: GatewayCacheLayer; client: OpenAI }[] = [];

  before(async () => {
    for (let index = 0; index < 2; index++) {
      const layer = await createCacheLayer({
        config: configSchema.parse(config),
        logger: createLogger({ level: 'silent' }),
      });
      const harness = await startTestGateway({ config, cache: layer });
      instances.push({
        harness,
        layer,
        client: new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 }),
      });
    }
  });
  after(async () => {
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    for (const instance of instances) {
      await instance.harness.close();
      await instance.layer.close();
    }
  });

  it('answers on instance B what instance A cached, and keeps tenants apart', async () => {
    const [a, b] = instances;
    assert.ok(a && b);
    const ask = async (instance: typeof a, tenant: string) => {
      const result = await instance.client.chat.completions
        .create(
          {
            model: 'fast',
            temperature: 0,
            messages: [{ role: 'user', content: 'Summarise the rules of chess in one line.' }],
          },
          { headers: { 'x-tollgate-tenant': tenant } },
        )
        .withResponse();
      await instance.layer.flush();
      return { text: result.data.choices[0]?.message.content, cache: result.response.headers.get('x-tollgate-cache') };
    };
    const first = await ask(a, 'acme');
    assert.equal(first.cache, 'miss');
    const onB = await ask(b, 'acme');
    assert.equal(onB.cache, 'hit-exact');
    assert.equal(onB.text, first.text);
    assert.equal((await ask(b, 'globex')).cache, 'miss');
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}cache:exact:*`);
      assert.equal(keys.length, 2, 'one entry per tenant');
      for (const key of keys) assert.ok((await redis.pttl(key)) > 0, 'every entry has a TTL');
    } finally {
      await redis.quit();
    }
  });
});

describe('semantic cache and feedback shared through real Redis', () => {
  const prefix = `tollgate-test:${randomUUID()}:`;
  const config = configSchema.parse({
    storage: { ledger: 'off', shared_state: REDIS_URL, shared_state_prefix: prefix },
    cache: { enabled: true, semantic: { enabled: true } },
  });
  const layers: GatewayCacheLayer[] = [];
  const context = (requestId: string) => ({
    requestId,
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: 'acme',
      feature: 'default',
      dataResidency: 'any' as const,
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on' as const,
      priority: 'interactive' as const,
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  });
  const ask = (text: string): ChatRequest => ({
    model: 'fast',
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  });

  before(async () => {
    for (let index = 0; index < 2; index++) {
      layers.push(
        await createCacheLayer({
          config,
          logger: createLogger({ level: 'silent' }),
          embedder: createHashingEmbedder(),
        }),
      );
    }
  });
  after(async () => {
    for (const layer of layers) await layer.close();
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('answers a paraphrase on instance B from an entry stored on A, and takes feedback for that hit on A', async () => {
    const [a, b] = layers;
    assert.ok(a && b);
    const question = 'How do I reset my router password at home';
    assert.equal((await a.lookup({ context: context('r1'), request: ask(question) })).status, 'miss');
    a.store({
      context: context('r1'),
      request: ask(question),
      answer: {
        response: {
          id: 'x',
          model: 'm',
          content: [{ type: 'text', text: 'Hold the reset button.' }],
          finishReason: 'stop',
          usage: {
            uncachedInputTokens: 9,
            cacheReadInputTokens: 0,
            cacheWriteInputTokens: 0,
            cacheWrite1hInputTokens: 0,
            outputTokens: 4,
            reasoningTokens: 0,
            source: 'reported',
          },
        },
        provider: 'p',
        model: 'm',
        originalCostUsd: 0.001,
      },
    });
    await a.flush();
    // B learns of the entry through Redis pub/sub; give the notice a moment to arrive.
    let status = 'miss';
    for (let attempt = 0; attempt < 50 && status !== 'hit-semantic'; attempt++) {
      status = (await b.lookup({ context: context('r2'), request: ask(`${question}?`) })).status;
      if (status !== 'hit-semantic') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(status, 'hit-semantic');
    const feedback = await a.recordCacheFeedback({ requestId: 'r2', good: false });
    assert.equal(feedback.applied, true, 'the hit served by B is known to A');
    assert.deepEqual(await b.recordCacheFeedback({ requestId: 'r2', good: false }), { applied: false });
  });

  it('serves a miss, not an error, when Redis goes away', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await redis.connect();
    const layer = await createCacheLayer({
      config: configSchema.parse({
        storage: { shared_state: REDIS_URL, shared_state_prefix: prefix },
        cache: { enabled: true },
      }),
      logger: createLogger({ level: 'silent' }),
      redis,
    });
    redis.disconnect();
    const result = await layer.lookup({ context: context('r3'), request: ask('Anything at all?') });
    assert.deepEqual(result, { status: 'miss', reason: 'exact store unavailable; semantic off' });
    assert.equal(layer.stats().lookupErrors, 1);
    await layer.close();
  });
});
