import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { runKeysCommand } from '../../src/cli/run-keys-command.js';
import { type ResilientGateway, startResilientGateway, temporaryFolder } from './start-resilient-gateway.js';

const MASTER = 'master-secret-for-tests';

function capture() {
  let text = '';
  return { stream: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('virtual keys through a real gateway', () => {
  const folder = temporaryFolder();
  const sqlitePath = folder.path('ledger.db');
  let harness: ResilientGateway;
  before(async () => {
    harness = await startResilientGateway({
      masterKey: MASTER,
      config: {
        storage: { ledger: 'off', sqlite_path: sqlitePath },
        providers: [
          {
            name: 'sim',
            kind: 'simulated',
            models: [{ name: 'sim-model', pricing: { input_per_mtok: 1_000, output_per_mtok: 1_000 } }],
          },
          {
            name: 'sim-anthropic',
            kind: 'simulated',
            simulation: { protocol: 'anthropic' },
            models: [{ name: 'claude-sim', price_as: 'claude-haiku-4-5' }],
          },
        ],
        tiers: { fast: { deployments: ['sim/sim-model'] } },
      },
    });
  });
  after(async () => {
    await harness.close();
    folder.cleanup();
  });

  const admin = (path: string, init: RequestInit = {}, key: string | null = MASTER) =>
    fetch(`${harness.url}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    });

  it('creates keys only with the master key, shows the secret once, attributes spend to the tenant, enforces the key budget and refuses the key once revoked', async () => {
    assert.equal((await admin('/admin/keys', { method: 'POST', body: '{"tenant":"acme"}' }, null)).status, 401);
    assert.equal((await admin('/admin/keys', { method: 'POST', body: '{"tenant":"acme"}' }, 'tg-wrong')).status, 401);
    const badBudget = await admin('/admin/keys', { method: 'POST', body: '{"tenant":"acme","budget":"lots"}' });
    assert.equal(badBudget.status, 400);

    const created = await admin('/admin/keys', {
      method: 'POST',
      body: JSON.stringify({ tenant: 'acme', budget: '0.05/day', name: 'ci bot' }),
    });
    assert.equal(created.status, 201);
    const key = (await created.json()) as { id: string; key: string; budget: string; tenant: string };
    assert.match(key.key, /^tg-/);
    assert.equal(key.budget, '0.05/day');

    const listed = (await (await admin('/admin/keys')).json()) as { data: Record<string, unknown>[] };
    assert.deepEqual(
      listed.data.map((entry) => [entry.id, entry.tenant, entry.status]),
      [[key.id, 'acme', 'active']],
    );
    assert.ok(!JSON.stringify(listed).includes(key.key.slice(3)), 'the list never shows a secret');

    const openai = new OpenAI({
      baseURL: `${harness.url}/v1`,
      apiKey: key.key,
      maxRetries: 0,
      defaultHeaders: { 'x-tollgate-tenant': 'someone-else' },
    });
    const ask = () =>
      openai.chat.completions
        .create({ model: 'fast', max_tokens: 20, messages: [{ role: 'user', content: 'Tell me a long story.' }] })
        .withResponse();
    const first = await ask();
    assert.ok(Number(first.response.headers.get('x-tollgate-budget-remaining-usd')) < 0.05);
    const settled = harness.settled.at(-1);
    assert.equal(settled?.tenant, 'acme', 'the key decides the tenant, not the header');
    assert.equal(settled?.keyId, key.id);

    await assert.rejects(ask(), (error: unknown) => {
      assert.ok(error instanceof OpenAI.APIError);
      assert.equal(error.status, 429);
      assert.match(error.message, new RegExp(`Budget "key:${key.id}/day" is exhausted`));
      return true;
    });

    assert.equal((await admin('/admin/budgets', {}, null)).status, 401);
    const budgets = (await (await admin('/admin/budgets')).json()) as {
      data: { name: string; limit_usd: number; spent_usd: number; level: string }[];
    };
    const keyBudget = budgets.data.find((budget) => budget.name === `key:${key.id}/day`);
    assert.ok(keyBudget && keyBudget.limit_usd === 0.05 && keyBudget.spent_usd > 0, JSON.stringify(budgets));

    const revoked = await admin(`/admin/keys/${key.id}`, { method: 'DELETE' });
    assert.equal(revoked.status, 200);
    assert.equal(((await revoked.json()) as { status: string }).status, 'revoked');
    await assert.rejects(ask(), (error: unknown) => error instanceof OpenAI.AuthenticationError);
    const anthropic = new Anthropic({ baseURL: harness.url, apiKey: key.key, maxRetries: 0 });
    await assert.rejects(
      anthropic.messages.create({ model: 'claude-sim', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => {
        assert.ok(error instanceof Anthropic.AuthenticationError);
        assert.equal((error.error as { type?: string }).type, 'error', 'the Anthropic error shape');
        return true;
      },
    );
    assert.equal((await admin('/admin/keys/vk_unknown/revoke', { method: 'POST' })).status, 404);
  });

  it('takes keys made by `tollgate keys create` on the command line, in the same SQLite file', async () => {
    const configPath = folder.path('tollgate.yaml');
    writeFileSync(configPath, `storage:\n  sqlite_path: ${JSON.stringify(sqlitePath)}\n`);
    const out = capture();
    const err = capture();
    const io = { stdout: out.stream, stderr: err.stream, environment: {} };
    assert.equal(
      await runKeysCommand(
        ['create', '--tenant', 'globex', '--budget', '50/day', '--name', 'cli', '-c', configPath],
        io,
      ),
      0,
      err.text(),
    );
    const key = /(tg-[A-Za-z0-9_-]+)/.exec(out.text())?.[1];
    const id = /(vk_[0-9a-f]+)/.exec(out.text())?.[1];
    assert.ok(key && id, out.text());
    assert.match(out.text(), /not shown again/);

    const openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: key, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(harness.settled.at(-1)?.tenant, 'globex');

    const list = capture();
    assert.equal(await runKeysCommand(['list', '-c', configPath], { ...io, stdout: list.stream }), 0);
    assert.match(list.text(), new RegExp(`${id}\\s+globex\\s+cli\\s+50/day`));
    assert.ok(!list.text().includes(key.slice(3)));

    assert.equal(await runKeysCommand(['revoke', id, '-c', configPath], io), 0);
    await assert.rejects(
      openai.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'hello' }] }),
      (error: unknown) => error instanceof OpenAI.AuthenticationError,
    );
    const usage = capture();
    assert.equal(await runKeysCommand(['create', '-c', configPath], { ...io, stderr: usage.stream }), 2);
    assert.match(usage.text(), /create needs --tenant/);
  });
});
