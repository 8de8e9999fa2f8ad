import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

interface AlertList {
  data: { threshold: string; budget: string; subject: string; utilisation: number }[];
}

describe('budget threshold crossings reach the admin API (and so the dashboard)', () => {
  let gateway: TestGateway;
  let client: OpenAI;
  before(async () => {
    gateway = await startTestGateway({
      config: {
        providers: [
          {
            name: 'sim',
            kind: 'simulated',
            simulation: { ttft_ms: 0 },
            models: [{ name: 'big', price_as: 'gpt-5.4' }],
          },
        ],
        tiers: { premium: { deployments: ['sim/big'] } },
        // A budget small enough that a few answers cross fallback_at, and no webhook configured:
        // the alert must still be listed.
        budgets: [{ name: 'tiny', scope: 'tenant', match: 'acme', limit_usd: 0.02, window: 'day' }],
      },
    });
    client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'unused',
      maxRetries: 0,
      defaultHeaders: { 'x-tollgate-tenant': 'acme' },
    });
  });
  after(() => gateway.close());

  it('lists each crossing once in GET /admin/alerts, newest first', async () => {
    const initial = (await (await fetch(`${gateway.url}/admin/alerts`)).json()) as AlertList;
    assert.deepEqual(initial.data, []);
    for (let index = 0; index < 80; index++) {
      const answer = await client.chat.completions
        .create({
          model: 'premium',
          messages: [{ role: 'user', content: `Write a long paragraph about budgets, number ${index}.` }],
          max_tokens: 200,
        })
        .catch((error: unknown) => error);
      if (answer instanceof OpenAI.APIError) {
        assert.equal(answer.status, 429, 'the only refusal is the budget limit');
        break;
      }
    }
    const listed = (await (await fetch(`${gateway.url}/admin/alerts`)).json()) as AlertList;
    const thresholds = listed.data.filter((alert) => alert.budget === 'tiny').map((alert) => alert.threshold);
    assert.ok(thresholds.includes('fallback'), `alerts listed: ${JSON.stringify(listed.data)}`);
    assert.equal(new Set(thresholds).size, thresholds.length, 'each threshold crossed is listed once');
    assert.ok(listed.data.every((alert) => alert.subject === 'acme'));
  });
});
