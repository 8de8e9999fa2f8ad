import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';
import { createCannedOpenAiTransport } from './canned-openai-transport.js';

const config = {
  providers: [
    {
      name: 'canned',
      kind: 'openai-compatible',
      base_url: 'http://canned.test/v1',
      models: [
        {
          name: 'cheap',
          pricing: { input_per_mtok: 0.1, output_per_mtok: 0.4 },
          capabilities: ['tools', 'json_mode', 'streaming'],
        },
      ],
    },
    { name: 'sim', kind: 'simulated', simulation: { ttft_ms: 0 }, models: [{ name: 'big', price_as: 'gpt-5.5' }] },
  ],
  tiers: {
    fast: {
      deployments: ['canned/cheap'],
      escalate_to: 'premium',
      system_prompt: 'Answer in at most two sentences.',
      stop: ['\n\n\n'],
    },
    premium: { deployments: ['sim/big'] },
  },
};

describe('cascade mode and tier defaults', () => {
  let harness: TestGateway;
  const transport = createCannedOpenAiTransport();
  before(async () => {
    harness = await startTestGateway({ config, transport });
  });
  after(() => harness.close());

  async function ask(content: string, extra: Record<string, unknown> = {}) {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content }], ...extra }),
    });
    const body = (await response.json()) as { choices?: { message: { content: string } }[] };
    await harness.ledger.flush();
    const id = response.headers.get('x-tollgate-request-id') as string;
    return { response, body, detail: await harness.ledger.requestDetail(id) };
  }

  const failures: [string, string, Record<string, unknown>][] = [
    ['a refusal', 'REFUSE to do this', {}],
    ['an empty answer', 'EMPTY please', {}],
    ['a truncated answer', 'TRUNCATE it', {}],
    ['invalid JSON where JSON was asked for', 'Give me JSON: BADJSON', { response_format: { type: 'json_object' } }],
  ];
  for (const [name, prompt, extra] of failures) {
    it(`escalates ${name} to the next tier and records both attempts`, async () => {
      const { response, body, detail } = await ask(prompt, extra);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('x-tollgate-model'), 'big');
      assert.equal(response.headers.get('x-tollgate-attempts'), '2');
      assert.match(
        response.headers.get('x-tollgate-route') ?? '',
        /cascade: fast answer (refusal|empty|truncated|invalid-json) -> premium/,
      );
      assert.ok((body.choices?.[0]?.message.content ?? '').length > 0);
      assert.ok(detail, 'on the ledger');
      assert.deepEqual(
        detail.attempts.map((attempt) => `${attempt.provider}/${attempt.model}:${attempt.outcome}`),
        ['canned/cheap:success', 'sim/big:success'],
      );
      assert.equal(detail.request.tier, 'premium');
      assert.equal(detail.request.attempts, 2);
      const paid = detail.attempts.reduce((sum, attempt) => sum + attempt.costUsd, 0);
      assert.ok(Math.abs(detail.request.costUsd - paid) < 1e-12, 'both attempts are paid for');
      assert.ok((detail.attempts[0]?.costUsd ?? 0) > 0);
    });
  }

  it('keeps a good cheap answer, and JSON that parses', async () => {
    const plain = await ask('What is two plus two?');
    assert.equal(plain.response.headers.get('x-tollgate-model'), 'cheap');
    assert.equal(plain.response.headers.get('x-tollgate-attempts'), '1');
    const json = await ask('JSONOK', { response_format: { type: 'json_object' } });
    assert.equal(json.response.headers.get('x-tollgate-model'), 'cheap');
    const notAskedForJson = await ask('BADJSON but prose was fine');
    assert.equal(notAskedForJson.response.headers.get('x-tollgate-model'), 'cheap');
  });

  it("applies the tier's system prompt and stop sequences, and says so", async () => {
    const before = transport.seen.length;
    const { response } = await ask('Hello there');
    const sent = transport.seen[before] as { messages: { role: string; content: unknown }[]; stop?: string[] };
    assert.equal(sent.messages[0]?.role, 'system');
    assert.match(JSON.stringify(sent.messages[0]?.content), /at most two sentences/);
    assert.deepEqual(sent.stop, ['\n\n\n']);
    assert.match(
      response.headers.get('x-tollgate-warning') ?? '',
      /tier fast defaults applied: system prompt, stop sequences/,
    );
    const own = await ask('Hello again', { stop: ['END'] });
    const ownSent = transport.seen.at(-1) as { stop?: string[] };
    assert.deepEqual(ownSent.stop, ['END'], "the client's own stop sequences win");
    assert.equal(own.response.status, 200);
  });
});
