import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import OpenAI from 'openai';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/create-logger.js';
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
