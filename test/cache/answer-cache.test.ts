import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import { createLocalEmbedder } from '../../src/cache/embedders/create-local-embedder.js';
import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { SemanticCache } from '../../src/cache/semantic/semantic-cache.js';
import { configSchema } from '../../src/config/config-schema.js';
import { createLogger } from '../../src/logging/create-logger.js';
import type { SettledRequest } from '../../src/stages/settle/settled-request.js';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

const SYSTEM = 'You are a concise geography tutor.';

describe('answer cache through a real gateway (official SDKs, simulated provider, local embedder)', () => {
  let harness: TestGateway;
  let layer: GatewayCacheLayer;
  let embedder: Embedder;
  let openai: OpenAI;
  const settled: SettledRequest[] = [];

  before(async () => {
    const config = twoProtocolConfig({ cache: { enabled: true, semantic: { enabled: true } } });
    embedder = await createLocalEmbedder();
    layer = await createCacheLayer({
      config: configSchema.parse(config),
      logger: createLogger({ level: 'silent' }),
      embedder,
    });
    harness = await startTestGateway({
      config,
      cache: layer,
      observers: [{ onSettled: (request) => settled.push(request) }],
    });
    openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await harness.close();
    await layer.close();
  });

  const ask = async (question: string, headers: Record<string, string> = {}) => {
    const result = await openai.chat.completions
      .create(
        {
          model: 'fast',
          temperature: 0,
          messages: [
            { role: 'system', content: SYSTEM },
            { role: 'user', content: question },
          ],
        },
        { headers },
      )
      .withResponse();
    await layer.flush();
    return {
      text: result.data.choices[0]?.message.content ?? '',
      cache: result.response.headers.get('x-tollgate-cache'),
      cost: Number(result.response.headers.get('x-tollgate-cost-usd')),
      requestId: result.response.headers.get('x-tollgate-request-id') ?? '',
      provider: result.response.headers.get('x-tollgate-provider'),
    };
  };

  it('answers a repeat from the exact cache at zero cost, with the saving on record', async () => {
    const first = await ask('What is the capital of Norway?');
    assert.equal(first.cache, 'miss');
    assert.ok(first.cost > 0);
    const repeat = await ask('What is the capital of Norway?');
    assert.equal(repeat.cache, 'hit-exact');
    assert.equal(repeat.cost, 0);
    assert.equal(repeat.text, first.text);
    assert.equal(repeat.provider, 'sim-openai', 'the answer names who produced it');
    const record = settled.find((request) => request.requestId === repeat.requestId);
    assert.equal(record?.cacheStatus, 'hit-exact');
    assert.equal(record?.costUsd, 0);
    assert.ok((record?.counterfactualCostUsd ?? 0) > 0, 'the saving is recorded');
    assert.equal(record?.attempts.length, 0, 'no provider call');
    // And the ledger itself, which `tollgate report` and the dashboard read.
    await harness.ledger.flush();
    const row = await harness.ledger.requestDetail(repeat.requestId);
    assert.equal(row?.request.cacheStatus, 'hit-exact');
    assert.equal(row?.request.costUsd, 0);
    // The counterfactual is the request without any of the gateway's savings (baseline model, no cache).
    assert.ok((row?.request.counterfactualCostUsd ?? 0) >= first.cost, 'saved at least what the miss paid');
    assert.equal(row?.attempts.length, 0);
  });

  it('replays a cached answer as SSE when the client streams', async () => {
    const first = await ask('Which river flows through Vienna?');
    const { data: stream, response } = await openai.chat.completions
      .create({
        model: 'fast',
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: 'Which river flows through Vienna?' },
        ],
      })
      .withResponse();
    assert.equal(response.headers.get('x-tollgate-cache'), 'hit-exact');
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    let text = '';
    let cost: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) cost = (chunk.usage as { cost_usd?: number }).cost_usd;
    }
    assert.equal(text, first.text);
    assert.equal(cost, 0);
  });

  it('serves a paraphrase from the semantic cache exactly when the semantic engine says it means the same', async () => {
    const original = 'What is the capital of France?';
    const stored = await ask(original);
    assert.equal(stored.cache, 'miss');
    // An independent engine with the same embedder and defaults is the oracle.
    const oracle = new SemanticCache<string>({ embedder });
    const scope = { tenant: 'oracle', modelTier: 'fast' };
    await oracle.store({ scope, text: original, value: 'x' });
    const candidates = [
      "what's the capital of France?",
      'What is the capital city of France?',
      'What is the capital of Spain?',
      'What is the population of France?',
    ];
    const verdicts: boolean[] = [];
    for (const candidate of candidates) {
      const expected = (await oracle.lookup({ scope, text: candidate })).hit;
      const served = await ask(candidate);
      verdicts.push(expected);
      if (expected) {
        assert.equal(served.cache, 'hit-semantic', candidate);
        assert.equal(served.text, stored.text, candidate);
        assert.equal(served.cost, 0);
      } else {
        assert.equal(served.cache, 'miss', candidate);
      }
    }
    assert.ok(verdicts.includes(true) && verdicts.includes(false), `both outcomes exercised: ${verdicts}`);
  });

  it('never gives one tenant another tenant’s answer, exact or semantic', async () => {
    const question = 'What is the longest river in Africa?';
    await ask(question, { 'x-tollgate-tenant': 'acme' });
    assert.equal((await ask(question, { 'x-tollgate-tenant': 'acme' })).cache, 'hit-exact');
    const other = await ask(question, { 'x-tollgate-tenant': 'globex' });
    assert.equal(other.cache, 'miss');
    assert.ok(other.cost > 0, 'globex paid for its own answer');
    assert.equal((await ask("what's the longest river in Africa?", { 'x-tollgate-tenant': 'initech' })).cache, 'miss');
  });

  it('bypasses the cache with x-tollgate-cache: off and skips the semantic cache with exact-only', async () => {
    const question = 'How many countries border Germany?';
    await ask(question);
    const off = await ask(question, { 'x-tollgate-cache': 'off' });
    assert.equal(off.cache, 'bypass');
    assert.ok(off.cost > 0);
    assert.equal((await ask(question, { 'x-tollgate-cache': 'exact-only' })).cache, 'hit-exact');
    const paraphrase = 'how many countries border Germany?';
    assert.equal((await ask(paraphrase, { 'x-tollgate-cache': 'exact-only' })).cache, 'miss');
  });

  it('answers an Anthropic-protocol client from the same cache', async () => {
    const anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
    const create = () =>
      anthropic.messages
        .create({
          model: 'fast',
          max_tokens: 300,
          system: SYSTEM,
          messages: [{ role: 'user', content: 'Name the largest desert in Asia.' }],
        })
        .withResponse();
    const first = await create();
    await layer.flush();
    const second = await create();
    assert.equal(first.response.headers.get('x-tollgate-cache'), 'miss');
    assert.equal(second.response.headers.get('x-tollgate-cache'), 'hit-exact');
    assert.deepEqual(second.data.content, first.data.content);
  });
});
