import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import type { RoutingServices } from '../../src/routing/attach-routing-services.js';
import { runRouterFitCommand } from '../../src/routing/evaluation/run-router-fit-command.js';
import { createSyntheticOutcomes, syntheticPrompt } from '../../src/routing/learned/__fixtures__/synthetic-outcomes.js';
import { fitRouter } from '../../src/routing/learned/fit-router.js';
import { loadRouter, saveRouter } from '../../src/routing/learned/load-router.js';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';
import { createCannedOpenAiTransport } from './canned-openai-transport.js';

const providers = [
  {
    name: 'sim',
    kind: 'simulated',
    simulation: { ttft_ms: 0 },
    models: [
      { name: 'small', price_as: 'gpt-5.4-nano' },
      { name: 'large', price_as: 'gpt-5.5' },
    ],
  },
  {
    name: 'canned',
    kind: 'openai-compatible',
    base_url: 'http://canned.test/v1',
    models: [{ name: 'judge', pricing: { input_per_mtok: 1, output_per_mtok: 4 } }],
  },
];
const tiers = {
  fast: { deployments: ['sim/small'] },
  premium: { deployments: ['sim/large'] },
  judge: { deployments: ['canned/judge'] },
};

async function chat(url: string, model: string, content: string): Promise<Response> {
  return fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
}

describe('shadow mode with a judge', () => {
  let harness: TestGateway;
  let services: RoutingServices;
  before(async () => {
    harness = await startTestGateway({
      config: {
        providers,
        tiers,
        routing: { tier_order: ['fast', 'premium'], shadow: { sample: 1, route: 'premium', judge_tier: 'judge' } },
      },
      transport: createCannedOpenAiTransport(),
      // 0.9: sampled (below 1), judge sees the client's answer first.
      routingRandom: () => 0.9,
    });
    // The services createGateway attached (shadow runs, judge, learning).
    services = harness.gateway.routing;
  });
  after(async () => {
    await harness.close();
  });

  it('records the shadow and the judge on the ledger beside the untouched response, with scores as feedback', async () => {
    const response = await chat(harness.url, 'fast', 'Name three rivers in Europe.');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-tollgate-model'), 'small', 'the client gets the routed answer');
    const id = response.headers.get('x-tollgate-request-id') as string;
    await response.text();
    await services.idle();
    await harness.ledger.flush();
    const recent = await harness.ledger.recentRequests({ limit: 10 });
    const shadows = recent.filter((record) => record.shadowOf === id);
    const shadow = shadows.find((record) => record.model === 'large');
    const judge = shadows.find((record) => record.model === 'judge');
    assert.ok(shadow, 'the shadow run is on the ledger');
    assert.ok(judge, 'the judge call is on the ledger');
    assert.equal(shadow.outcome, 'success');
    assert.ok(shadow.costUsd > 0 && judge.costUsd > 0, 'both are paid for and recorded');
    assert.equal(shadow.counterfactualCostUsd, 0);
    const primary = await harness.ledger.requestDetail(id);
    assert.equal(primary?.request.model, 'small');
    assert.deepEqual(
      primary?.feedback.map((feedback) => feedback.score),
      [0.7],
    );
    const shadowDetail = await harness.ledger.requestDetail(shadow.requestId);
    assert.deepEqual(
      shadowDetail?.feedback.map((feedback) => feedback.score),
      [0.9],
    );
    const metric = await (await fetch(`${harness.url}/metrics`)).text();
    assert.match(metric, /tollgate_router_judge_score_count\{tier="fast"\} 1/);
    assert.match(metric, /tollgate_router_judge_score_sum\{tier="premium"\} 0\.9/);
    assert.match(metric, /tollgate_router_shadow_runs_total\{[^}]*outcome="answered"[^}]*\} 1/);
  });
});

describe('learning from feedback', () => {
  let directory: string;
  let harness: TestGateway;
  let ledger: Ledger;
  let services: RoutingServices;
  let routerPath: string;
  let promptLog: string;
  const prompts = [0, 1, 2, 3].map((index) => syntheticPrompt('easy', 100 + index));

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-learning-'));
    const base = join(directory, 'base.jsonl');
    const rows = createSyntheticOutcomes({ perKind: 20, noise: 0.05 });
    await writeFile(base, rows.map((row) => JSON.stringify(row)).join('\n'));
    await writeFile(join(directory, 'map.yaml'), 'cheap: fast\nmid: fast\npremium: premium\n');
    routerPath = join(directory, 'router.json');
    await saveRouter({
      router: fitRouter({ rows, options: { modelsMap: { cheap: 'fast', premium: 'premium' } } }),
      path: routerPath,
    });
    promptLog = join(directory, 'prompts.jsonl');
    ledger = await createLedger({ kind: 'sqlite', path: join(directory, 'ledger.db') });
    harness = await startTestGateway({
      ledger,
      config: {
        providers,
        tiers: { fast: tiers.fast, premium: tiers.premium },
        routing: {
          classifier: 'learned',
          learned_model: routerPath,
          learning: {
            prompt_log: promptLog,
            outcome_log: join(directory, 'outcomes.jsonl'),
            retrain_every: prompts.length,
            base_data: [base],
            models_map: join(directory, 'map.yaml'),
          },
        },
      },
    });
    services = harness.gateway.routing;
  });
  after(async () => {
    await harness.close();
    await ledger.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('turns "refined" feedback into outcomes and refits the router in service, and router fit reads the same from the ledger', async () => {
    const before = await loadRouter(routerPath);
    const fastBefore = before.choose({
      prompt: prompts[0] as string,
      candidates: [{ id: 'fast' }],
      targetQuality: 0.5,
    });
    for (const prompt of prompts) {
      const response = await chat(harness.url, 'fast', prompt);
      assert.equal(response.status, 200);
      await response.text();
      const feedback = await fetch(`${harness.url}/v1/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ request_id: response.headers.get('x-tollgate-request-id'), label: 'refined' }),
      });
      assert.equal(feedback.status, 202);
    }
    await services.idle();
    assert.equal(services.learning.stats().lastError, undefined);
    assert.equal(services.learning.stats().retrains, 1);
    const after = await loadRouter(routerPath);
    const learnt = after.toFile().models.find((model) => model.id === 'sim/small');
    assert.ok(learnt, 'the gateway deployment is a model of the refitted router');
    assert.equal(learnt.observations, prompts.length);
    assert.equal(learnt.meanQuality, 0);
    assert.equal(after.toFile().modelsMap['sim/small'], 'fast');
    const fastAfter = after.choose({ prompt: prompts[0] as string, candidates: [{ id: 'fast' }], targetQuality: 0.5 });
    assert.ok(
      fastAfter.predictedQuality < fastBefore.predictedQuality - 0.1,
      `fast looks worse after refinements: ${fastBefore.predictedQuality} → ${fastAfter.predictedQuality}`,
    );
    // The running gateway uses the refitted router.
    const auto = await chat(harness.url, 'auto', prompts[1] as string);
    assert.match(auto.headers.get('x-tollgate-route') ?? '', /learned: /);
    await auto.text();

    await ledger.flush();
    const out = join(directory, 'from-ledger.json');
    let stderr = '';
    const code = await runRouterFitCommand(
      ['--ledger', `sqlite:${join(directory, 'ledger.db')}`, '--prompts', promptLog, '--out', out],
      { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } },
    );
    assert.equal(code, 0, stderr);
    assert.match(stderr, /read 4 outcomes from the ledger .*: 4 requests with feedback/);
    const fromLedger = await loadRouter(out);
    assert.deepEqual(fromLedger.models, ['sim/small']);
    assert.equal(fromLedger.toFile().training.prompts, prompts.length);
    assert.match(await readFile(promptLog, 'utf8'), /Translate the phrase/);
  });
});
