import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContextManagementConfig } from '../config/config-schema.js';
import { validateConfig } from '../config/load-config.js';
import { createRuntime } from '../gateway/create-runtime.js';
import type { DeploymentGroup } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { type ChatRequest, GatewayError, type Message } from '../spec/index.js';
import { applyTierOutputCap } from './apply-tier-output-cap.js';
import { createTierSummariser, manageContext } from './manage-context.js';

function runtime() {
  const { config } = validateConfig({
    document: {
      providers: [
        {
          name: 'sim',
          kind: 'simulated',
          models: [
            { name: 'cheap', price_as: 'gpt-5.4-nano' },
            { name: 'dear', price_as: 'gpt-5.5' },
          ],
        },
      ],
      tiers: {
        fast: { deployments: ['sim/cheap'], max_output_tokens: 256 },
        premium: { deployments: ['sim/dear'] },
      },
    },
    source: 'test',
    environment: {},
  });
  return createRuntime({
    config,
    simulated: false,
    transport: async () => {
      throw new Error('no network in this test');
    },
    environment: {},
    simulation: { sleep: async () => {} },
  });
}

function context(): RequestContext {
  return {
    requestId: 'r',
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    protocol: openAiProtocol,
    directives: {
      tenant: 'default',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

const text = (role: 'user' | 'assistant', words: string): Message =>
  role === 'user'
    ? { role, content: [{ type: 'text', text: words }] }
    : { role, content: [{ type: 'text', text: words }] };

/** A long chat: a system prompt and 30 turns of about 60 tokens each, with a tool call in the middle. */
function longChat(): ChatRequest {
  const messages: Message[] = [{ role: 'system', content: [{ type: 'text', text: 'You are a careful assistant.' }] }];
  for (let turn = 0; turn < 30; turn++) {
    if (turn === 26) {
      messages.push({ role: 'assistant', content: [{ type: 'tool-call', id: 'c1', name: 'lookup', arguments: '{}' }] });
      messages.push({
        role: 'tool',
        content: [{ type: 'tool-result', toolCallId: 'c1', content: [{ type: 'text', text: 'found it' }] }],
      });
      continue;
    }
    messages.push(
      text(turn % 2 === 0 ? 'user' : 'assistant', `Turn ${turn}: ${'the toll bridge story goes on '.repeat(10)}`),
    );
  }
  return { model: 'fast', messages, stream: false };
}

const SETTINGS: ContextManagementConfig = {
  mode: 'off',
  trigger_tokens: 500,
  keep_last_messages: 4,
  summary_max_tokens: 64,
  summary_tier: undefined,
};

describe('context management', () => {
  it('is off by default and leaves short chats alone', async () => {
    const request = longChat();
    assert.equal((await manageContext({ request, context: context(), settings: SETTINGS })).request, request);
    const short: ChatRequest = { model: 'fast', messages: [text('user', 'hi')], stream: false };
    const result = await manageContext({
      request: short,
      context: context(),
      settings: { ...SETTINGS, mode: 'window' },
    });
    assert.equal(result.action, 'none');
  });

  it('keeps the system prompt and the last turns, never starting on a tool result, and says so', async () => {
    const ctx = context();
    const result = await manageContext({ request: longChat(), context: ctx, settings: SETTINGS, header: 'window' });
    assert.equal(result.action, 'window');
    const roles = result.request.messages.map((message) => message.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'assistant', 'tool', 'assistant', 'user', 'assistant']);
    assert.equal(result.droppedMessages, 24, 'the last 4 would start on a tool result: back to the user turn');
    assert.match(ctx.warnings[0] ?? '', /dropped the 24 oldest messages/);
  });

  it('summarises older turns with the cheapest tier and records the call', async () => {
    const current = runtime();
    const ctx = context();
    const result = await manageContext({
      request: longChat(),
      context: ctx,
      settings: { ...SETTINGS, mode: 'summarise' },
      summarise: createTierSummariser({ runtime: () => current }),
    });
    assert.equal(result.action, 'summarise');
    const note = result.request.messages[1];
    assert.equal(note?.role, 'system');
    assert.match(
      note?.role === 'system' ? (note.content[0]?.text ?? '') : '',
      /^Summary of the earlier conversation:\n\S/,
    );
    assert.equal(result.attempts[0]?.deployment.id, 'sim/cheap');
    assert.ok((result.attempts[0]?.usage?.outputTokens ?? 0) > 0);
    assert.match(ctx.warnings[0] ?? '', /summarised the 24 oldest messages/);
  });

  it('falls back to the window when the summary fails, and refuses a bad header', async () => {
    const ctx = context();
    const result = await manageContext({
      request: longChat(),
      context: ctx,
      settings: { ...SETTINGS, mode: 'summarise' },
      summarise: async () => ({
        ok: false,
        error: new GatewayError({ code: 'upstream_timeout', message: 'slow' }),
        attempt: undefined,
      }),
    });
    assert.equal(result.action, 'window');
    assert.match(ctx.warnings[0] ?? '', /summary failed \(upstream_timeout\)/);
    await assert.rejects(
      manageContext({ request: longChat(), context: context(), settings: SETTINGS, header: 'sometimes' }),
      (error: unknown) => error instanceof GatewayError && error.status === 400,
    );
  });
});

describe('tier output caps', () => {
  const fast = runtime().tiers.get('fast') as DeploymentGroup;
  const request = (maxOutputTokens?: number): ChatRequest => ({
    model: 'fast',
    messages: [text('user', 'hi')],
    stream: false,
    ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
  });

  it('inject the cap where the client asked for more or nothing, with a warning, and leave smaller asks alone', () => {
    const ctx = context();
    assert.equal(applyTierOutputCap({ request: request(), tier: fast, context: ctx }).maxOutputTokens, 256);
    assert.equal(applyTierOutputCap({ request: request(4_000), tier: fast, context: ctx }).maxOutputTokens, 256);
    assert.deepEqual(ctx.warnings, [
      'max_tokens set to 256, the output cap of tier fast (the request gave none)',
      'max_tokens lowered from 4000 to 256, the output cap of tier fast',
    ]);
    const small = request(100);
    assert.equal(applyTierOutputCap({ request: small, tier: fast, context: ctx }), small);
    const premium = runtime().tiers.get('premium');
    assert.equal(applyTierOutputCap({ request: small, tier: premium, context: ctx }), small);
    assert.equal(ctx.warnings.length, 2);
  });
});
