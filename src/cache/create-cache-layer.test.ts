import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../config/config-schema.js';
import type { GatewayDirectives, RequestContext } from '../gateway/request-context.js';
import { createLogger } from '../logging/create-logger.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import type { ChatRequest, Message } from '../spec/index.js';
import type { CachedAnswer } from '../stages/cache/cache-layer.js';
import { createCacheLayer, type GatewayCacheLayer } from './create-cache-layer.js';
import type { Embedder } from './embedders/embedder.js';
import { createHashingEmbedder } from './semantic/__fixtures__/create-hashing-embedder.js';

let requestCounter = 0;
function context(directives: Partial<GatewayDirectives> = {}): RequestContext {
  return {
    requestId: `request-${++requestCounter}`,
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: 'acme',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
      ...directives,
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
function chat(text: string, overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'fast',
    stream: false,
    temperature: 0,
    messages: [{ role: 'system', content: [{ type: 'text', text: 'You are a network support agent.' }] }, user(text)],
    ...overrides,
  };
}
function answer(text: string): CachedAnswer {
  return {
    response: {
      id: 'resp-1',
      model: 'sim-small',
      content: [{ type: 'text', text }],
      finishReason: 'stop',
      usage: {
        uncachedInputTokens: 20,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 0,
        cacheWrite1hInputTokens: 0,
        outputTokens: 10,
        reasoningTokens: 0,
        source: 'reported',
      },
    },
    provider: 'simulated',
    model: 'sim-small',
    originalCostUsd: 0.0001,
  };
}

const QUESTION = 'How do I reset my router password at home';
const PARAPHRASE = 'how do I reset my router password at home?';

async function layerWith(cache: Record<string, unknown>, now?: () => number): Promise<GatewayCacheLayer> {
  return createCacheLayer({
    config: configSchema.parse({ cache: { enabled: true, ...cache } }),
    logger: createLogger({ level: 'silent' }),
    embedder: createHashingEmbedder(),
    ...(now === undefined ? {} : { now }),
  });
}

function lastText(request: ChatRequest): string {
  const part = request.messages.at(-1)?.content[0];
  return part?.type === 'text' ? part.text : '';
}

/** Asks, and on a miss stores an answer as the gateway would after the provider replied. */
async function ask(layer: GatewayCacheLayer, request: ChatRequest, directives: Partial<GatewayDirectives> = {}) {
  const requestContext = context(directives);
  const result = await layer.lookup({ context: requestContext, request });
  if (result.status === 'miss') {
    layer.store({
      context: requestContext,
      request,
      answer: answer(`answer to ${lastText(request)}`),
    });
    await layer.flush();
  }
  return { result, requestId: requestContext.requestId };
}

describe('createCacheLayer', () => {
  it('bypasses everything when answer caching is disabled (the default)', async () => {
    const layer = await createCacheLayer({ config: configSchema.parse({}), logger: createLogger({ level: 'silent' }) });
    const first = await ask(layer, chat(QUESTION));
    assert.equal(first.result.status, 'bypass');
    assert.equal((await ask(layer, chat(QUESTION))).result.status, 'bypass');
    await layer.close();
  });

  it('refuses a provider embedder it was not given, or one of the wrong size', async () => {
    const semantic = { enabled: true, embedder: 'provider:openai/text-embedding-3-small', embedding_dimensions: 1536 };
    const config = configSchema.parse({ cache: { enabled: true, semantic } });
    const logger = createLogger({ level: 'silent' });
    await assert.rejects(createCacheLayer({ config, logger }), { name: 'ConfigError', message: /needs an embedder/ });
    await assert.rejects(createCacheLayer({ config, logger, embedder: createHashingEmbedder(128) }), {
      name: 'ConfigError',
      message: /1536 but the embedder returns 128/,
    });
  });

  it('serves a repeat from the exact cache, per tenant, until its TTL', async () => {
    let now = 1_000_000;
    const layer = await layerWith({ exact: { ttl_s: 60 } }, () => now);
    assert.equal((await ask(layer, chat(QUESTION))).result.status, 'miss');
    const repeat = await ask(layer, chat(QUESTION, { stream: true, user: 'someone' }));
    assert.equal(repeat.result.status, 'hit-exact');
    assert.deepEqual(
      repeat.result.status === 'hit-exact' ? repeat.result.answer.response.content[0] : undefined,
      answer(`answer to ${QUESTION}`).response.content[0],
    );
    assert.equal((await ask(layer, chat(QUESTION), { tenant: 'globex' })).result.status, 'miss', 'another tenant');
    now += 61_000;
    assert.equal((await ask(layer, chat(QUESTION))).result.status, 'miss', 'expired');
    await layer.close();
  });

  it('stores an answer under the keys its lookup used, even when a later stage rewrote the request', async () => {
    const layer = await layerWith({ semantic: { enabled: true } });
    const requestContext = context();
    const asked = chat(QUESTION);
    assert.equal((await layer.lookup({ context: requestContext, request: asked })).status, 'miss');
    const rewritten: ChatRequest = { ...asked, maxOutputTokens: 1024, messages: asked.messages.slice(1) };
    layer.store({ context: requestContext, request: rewritten, answer: answer('stored') });
    await layer.flush();
    assert.equal((await layer.lookup({ context: context(), request: chat(QUESTION) })).status, 'hit-exact');
    assert.equal((await layer.lookup({ context: context(), request: chat(PARAPHRASE) })).status, 'hit-semantic');
    await layer.close();
  });

  it('honours x-tollgate-cache: off (no lookup, no store) and exact-only (no semantic)', async () => {
    const layer = await layerWith({ semantic: { enabled: true } });
    const off = await ask(layer, chat(QUESTION), { cache: 'off' });
    assert.deepEqual(off.result, { status: 'bypass', reason: 'x-tollgate-cache: off' });
    assert.equal(layer.stats().stores, 0);
    await ask(layer, chat(QUESTION));
    const exactOnly = await layer.lookup({ context: context({ cache: 'exact-only' }), request: chat(PARAPHRASE) });
    assert.equal(exactOnly.status, 'miss');
    assert.match(exactOnly.status === 'miss' ? exactOnly.reason : '', /exact-only/);
    assert.equal(
      (await layer.lookup({ context: context({ cache: 'exact-only' }), request: chat(QUESTION) })).status,
      'hit-exact',
    );
    const semantic = await layer.lookup({ context: context(), request: chat(PARAPHRASE) });
    assert.equal(semantic.status, 'hit-semantic');
    assert.ok(semantic.status === 'hit-semantic' && (semantic.similarity ?? 0) >= 0.9);
    await layer.close();
  });

  it('keeps the semantic cache to single-turn, tool-free, cool, non-PII prompts in one scope', async () => {
    const layer = await layerWith({ semantic: { enabled: true, exclude_patterns: ['order\\s+#\\d+'] } });
    await ask(layer, chat(QUESTION));
    const reasonOf = async (request: ChatRequest, directives: Partial<GatewayDirectives> = {}) => {
      const result = await layer.lookup({ context: context(directives), request });
      return result.status === 'miss' ? result.reason : result.status;
    };
    assert.equal(await reasonOf(chat(PARAPHRASE)), 'hit-semantic');
    assert.match(
      await reasonOf(chat(PARAPHRASE, { tools: [{ name: 'lookup', parameters: { type: 'object' } }] })),
      /tools/,
    );
    assert.match(await reasonOf(chat(PARAPHRASE, { temperature: 1.5 })), /temperature 1\.5/);
    assert.match(
      await reasonOf(
        chat(PARAPHRASE, {
          messages: [user('Hi'), { role: 'assistant', content: [{ type: 'text', text: 'Hello' }] }, user(PARAPHRASE)],
        }),
      ),
      /multi-turn/,
    );
    assert.match(await reasonOf(chat(`${PARAPHRASE} my mail is jane@example.com`)), /excluded \(email\)/);
    assert.match(await reasonOf(chat(`${PARAPHRASE} for order #12345`)), /excluded \(custom-pattern\)/);
    // Another tenant, model, system prompt or sampling setting is another scope.
    assert.match(await reasonOf(chat(PARAPHRASE), { tenant: 'globex' }), /empty-scope/);
    assert.match(await reasonOf(chat(PARAPHRASE, { model: 'premium' })), /empty-scope/);
    assert.match(await reasonOf(chat(PARAPHRASE, { temperature: 0.5 })), /empty-scope/);
    assert.match(await reasonOf(chat(PARAPHRASE, { messages: [user(PARAPHRASE)] })), /empty-scope/);
    await layer.close();
  });

  it('applies cache.semantic.verifier: the learned classifier’s least probability, or no verifier at all', async () => {
    const reasonWith = async (verifier: Record<string, unknown>, asked: string) => {
      const layer = await layerWith({ semantic: { enabled: true, threshold: 0.5, verifier } });
      await ask(layer, chat(QUESTION));
      const result = await layer.lookup({ context: context(), request: chat(asked) });
      await layer.close();
      return result.status === 'miss' ? result.reason : result.status;
    };
    const reworded = 'How can I reset my router password at home?';
    assert.match(await reasonWith({ min_probability: 1 }, reworded), /classifier-rejects/);
    assert.equal(await reasonWith({ min_probability: 0 }, reworded), 'hit-semantic');
    // A changed number is a hard check in learned mode and a rule in rules mode; off serves it.
    const otherNumber = 'How do I reset my router password at home 2';
    assert.match(await reasonWith({ min_probability: 0 }, otherNumber), /numbers-differ/);
    assert.match(await reasonWith({ mode: 'rules' }, otherNumber), /numbers-differ/);
    assert.equal(await reasonWith({ mode: 'off' }, otherNumber), 'hit-semantic');
    assert.throws(
      () => configSchema.parse({ cache: { semantic: { verifier: { min_probability: 2 } } } }),
      /min_probability/,
    );
  });

  it('caches conversations semantically only with multi_turn, within the same history', async () => {
    const layer = await layerWith({ semantic: { enabled: true, multi_turn: true } });
    const history: Message[] = [
      user('My router is a Netgear R7000.'),
      { role: 'assistant', content: [{ type: 'text', text: 'Noted.' }] },
    ];
    await ask(layer, chat(QUESTION, { messages: [...history, user(QUESTION)] }));
    const same = await layer.lookup({
      context: context(),
      request: chat(PARAPHRASE, { messages: [...history, user(PARAPHRASE)] }),
    });
    assert.equal(same.status, 'hit-semantic');
    const otherHistory = await layer.lookup({
      context: context(),
      request: chat(PARAPHRASE, {
        messages: [user('My router is a TP-Link.'), history[1] as Message, user(PARAPHRASE)],
      }),
    });
    assert.equal(otherHistory.status, 'miss');
    await layer.close();
  });

  it('counts /v1/feedback and a quick refinement against the hit’s cluster, once per request', async () => {
    let now = 1_000_000;
    const layer = await layerWith({ semantic: { enabled: true, refinement_window_s: 60 } }, () => now);
    await ask(layer, chat(QUESTION));
    const hit = await ask(layer, chat(PARAPHRASE));
    assert.equal(hit.result.status, 'hit-semantic');
    const feedback = await layer.recordCacheFeedback({ requestId: hit.requestId, good: false });
    assert.equal(feedback.applied, true);
    assert.ok((feedback.threshold ?? 0) > 0.9, `threshold ${feedback.threshold}`);
    assert.deepEqual(await layer.recordCacheFeedback({ requestId: hit.requestId, good: false }), { applied: false });
    assert.deepEqual(await layer.recordCacheFeedback({ requestId: 'never-seen', good: true }), { applied: false });

    // A hit, then the same user asks again in other words within the window: a refinement.
    const second = await ask(layer, chat('How do I reset my router password at home ?'), { tenant: 'acme' });
    assert.equal(second.result.status, 'hit-semantic');
    now += 10_000;
    await ask(layer, chat('How do I reset my router admin password at home, not wifi'));
    assert.equal(layer.stats().refinements, 1);
    assert.equal(layer.stats().semantic?.badFeedback, 2);
    assert.deepEqual(await layer.recordCacheFeedback({ requestId: second.requestId, good: false }), { applied: false });
    await layer.close();
  });

  it('answers an exact hit without the model, and embeds a semantic candidate once for lookup and store', async () => {
    const embedder = createHashingEmbedder();
    const layer = await createCacheLayer({
      config: configSchema.parse({ cache: { enabled: true, semantic: { enabled: true } } }),
      logger: createLogger({ level: 'silent' }),
      embedder,
    });
    await ask(layer, chat(QUESTION));
    assert.equal(embedder.calls, 1, 'the miss was embedded once, for its lookup and its store');
    assert.equal((await ask(layer, chat(QUESTION))).result.status, 'hit-exact');
    assert.equal(embedder.calls, 1, 'an exact hit leaves the model alone');
    assert.equal((await layer.lookup({ context: context(), request: chat(PARAPHRASE) })).status, 'hit-semantic');
    assert.equal(embedder.calls, 2);
    await layer.close();
  });

  it('counts a failed embedding as a miss', async () => {
    const failing: Embedder = {
      id: 'test/failing',
      dimensions: 128,
      embed: () => Promise.reject(new Error('model crashed')),
    };
    const layer = await createCacheLayer({
      config: configSchema.parse({ cache: { enabled: true, semantic: { enabled: true } } }),
      logger: createLogger({ level: 'silent' }),
      embedder: failing,
    });
    const outcome = await layer.lookup({ context: context(), request: chat(QUESTION) });
    assert.deepEqual(outcome, { status: 'miss', reason: 'exact miss; semantic lookup failed' });
    assert.equal(layer.stats().lookupErrors, 1);
    await layer.close();
  });
});
