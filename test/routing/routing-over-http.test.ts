import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSyntheticOutcomes } from '../../src/routing/learned/__fixtures__/synthetic-outcomes.js';
import { fitRouter } from '../../src/routing/learned/fit-router.js';
import { saveRouter } from '../../src/routing/learned/load-router.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

async function chat(url: string, model: string, content: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await response.text();
  return response;
}

const simulated = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  kind: 'simulated',
  simulation: { ttft_ms: 0, output_tokens: 8 },
  models: [{ name: 'm', price_as: name === 'box' ? 'gpt-5-nano' : 'gpt-5.4-nano' }],
  ...extra,
});

describe('routing over HTTP', () => {
  let directory: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-routing-http-'));
  });
  after(() => rm(directory, { recursive: true, force: true }));

  it('names the deciding rule and tier in x-tollgate-route and records the same route on the ledger', async () => {
    const harness = await startTestGateway({
      config: {
        providers: [simulated('cloud'), simulated('big', { models: [{ name: 'm', price_as: 'gpt-5.5' }] })],
        tiers: { fast: { deployments: ['cloud/m'] }, premium: { deployments: ['big/m'] } },
      },
    });
    try {
      const response = await chat(harness.url, 'auto', 'Thanks!');
      const header = response.headers.get('x-tollgate-route') ?? '';
      assert.match(header, /^complexity: complexity 0\.\d\d.* -> fast$/);
      await harness.ledger.flush();
      const detail = await harness.ledger.requestDetail(response.headers.get('x-tollgate-request-id') as string);
      assert.equal(detail?.request.routeRule, 'complexity');
      assert.equal(detail?.request.tier, 'fast');
      assert.equal(`complexity: ${detail?.request.routeReason.replace(/→/g, '->')}`, header);
      const budgetless = await chat(harness.url, 'premium', 'Thanks!');
      assert.equal(budgetless.headers.get('x-tollgate-route'), 'tier: tier premium');
    } finally {
      await harness.close();
    }
  });

  it('keeps local-only traffic on local endpoints, and says so clearly when none is up', async () => {
    const harness = await startTestGateway({
      config: {
        providers: [
          simulated('box', {
            location: 'local',
            simulation: { ttft_ms: 0, faults: [{ kind: 'server_error', probability: 1 }] },
          }),
          simulated('cloud'),
        ],
        tiers: { fast: { deployments: ['box/m', 'cloud/m'] } },
        server: { max_retries: 0 },
      },
    });
    try {
      const local = await fetch(`${harness.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tollgate-data-residency': 'local' },
        body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      assert.equal(local.status, 503);
      const body = (await local.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'no_route');
      assert.match(body.error.message, /No local endpoint is up .*x-tollgate-data-residency: local; tried box\/m/);
      await harness.ledger.flush();
      const detail = await harness.ledger.requestDetail(local.headers.get('x-tollgate-request-id') as string);
      assert.deepEqual(
        detail?.attempts.map((attempt) => attempt.provider),
        ['box'],
        'never sent to the cloud',
      );
      const anywhere = await chat(harness.url, 'auto', 'Hi');
      assert.equal(anywhere.status, 200);
      assert.equal(anywhere.headers.get('x-tollgate-provider'), 'cloud', 'without the header it may fall back');
    } finally {
      await harness.close();
    }
  });

  it('demotes an endpoint whose observed output speed falls below its floor until it recovers', async () => {
    let harness: TestGateway | undefined;
    try {
      harness = await startTestGateway({
        // Real sleeping: the simulated box really streams slowly.
        simulation: {},
        config: {
          providers: [
            simulated('box', {
              location: 'local',
              simulation: { ttft_ms: 0, tokens_per_second: 40, output_tokens: 8 },
              limits: { min_output_tokens_per_second: 100 },
            }),
            simulated('cloud', { simulation: { ttft_ms: 0, tokens_per_second: 4_000, output_tokens: 8 } }),
          ],
          tiers: { fast: { deployments: ['cloud/m', 'box/m'] } },
        },
      });
      const first = await chat(harness.url, 'auto', 'Hello');
      assert.equal(first.headers.get('x-tollgate-provider'), 'box', 'the box is the cheapest');
      const second = await chat(harness.url, 'auto', 'Hello again');
      assert.equal(second.headers.get('x-tollgate-provider'), 'cloud');
      assert.match(
        second.headers.get('x-tollgate-route') ?? '',
        /^latency: .*below output-speed floor, tried last: box\/m/,
      );
    } finally {
      await harness?.close();
    }
  });

  it('uses the classifier the config names: heuristic weights, or a learned router.json', async () => {
    const config = (routing: Record<string, unknown>) => ({
      providers: [simulated('cloud'), simulated('big', { models: [{ name: 'm', price_as: 'gpt-5.5' }] })],
      tiers: { fast: { deployments: ['cloud/m'] }, premium: { deployments: ['big/m'] } },
      routing,
    });
    const prompt = 'Translate the phrase "the quiet harbour" into German.';
    const weighted = await startTestGateway({ config: config({ weights: { base: 0.9 } }) });
    try {
      const response = await chat(weighted.url, 'auto', prompt);
      assert.match(response.headers.get('x-tollgate-route') ?? '', /^complexity: complexity 0\.9\d.* -> premium/);
    } finally {
      await weighted.close();
    }
    const routerPath = join(directory, 'router.json');
    const router = fitRouter({
      rows: createSyntheticOutcomes({ perKind: 30, noise: 0.05 }),
      options: { modelsMap: { cheap: 'fast', premium: 'premium' } },
    });
    await saveRouter({ router, path: routerPath });
    const learned = await startTestGateway({ config: config({ classifier: 'learned', learned_model: routerPath }) });
    try {
      const easy = await chat(learned.url, 'auto', prompt);
      assert.match(easy.headers.get('x-tollgate-route') ?? '', /^complexity: learned: fast \(predicted 0\.\d\d/);
      const hard = await chat(
        learned.url,
        'auto',
        'Prove step by step that the sum of the first 40 odd numbers is a perfect square, then derive the broken ladder case.',
      );
      assert.match(hard.headers.get('x-tollgate-route') ?? '', /learned: premium/);
    } finally {
      await learned.close();
    }
  });
});
