import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GatewayError } from '../../spec/gateway-error.js';
import { createSyntheticOutcomes, syntheticPrompt } from './__fixtures__/synthetic-outcomes.js';
import { fitRouter } from './fit-router.js';
import type { LearnedRouter } from './learned-router.js';
import { loadRouter, saveRouter } from './load-router.js';

describe('fitRouter on synthetic outcomes', () => {
  let router: LearnedRouter;
  let directory: string;
  before(async () => {
    router = fitRouter({
      rows: createSyntheticOutcomes({ perKind: 40, noise: 0.05 }),
      options: { modelsMap: { cheap: 'fast', mid: 'balanced', premium: 'premium' } },
    });
    directory = await mkdtemp(join(tmpdir(), 'tollgate-router-'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('learns that the cheap model succeeds on easy prompts and fails on hard ones, for unseen prompts', () => {
    // Indices beyond the training range: prompts the router has never seen.
    for (const index of [101, 117, 129]) {
      const easy = router.score(syntheticPrompt('easy', index));
      const hard = router.score(syntheticPrompt('hard', index));
      assert.ok((easy.cheap as number) > 0.75, `cheap on easy: ${easy.cheap}`);
      assert.ok((hard.cheap as number) < 0.25, `cheap on hard: ${hard.cheap}`);
      assert.ok((hard.premium as number) > 0.9, `premium on hard: ${hard.premium}`);
    }
  });

  it('chooses the cheapest model that meets the target, and escalates when the target is out of reach', () => {
    const candidates = [{ id: 'cheap' }, { id: 'mid' }, { id: 'premium' }];
    const easy = router.choose({ prompt: syntheticPrompt('easy', 150), candidates, targetQuality: 0.7 });
    assert.equal(easy.id, 'cheap');
    assert.equal(easy.targetMet, true);
    const hard = router.choose({ prompt: syntheticPrompt('hard', 150), candidates, targetQuality: 0.7 });
    assert.equal(hard.id, 'premium');
    assert.match(hard.explanation, /premium/);
    const unreachable = router.choose({ prompt: syntheticPrompt('easy', 150), candidates, targetQuality: 1.5 });
    assert.equal(unreachable.id, 'premium');
    assert.equal(unreachable.targetMet, false);
  });

  it('trades quality for cost with the cost weight', () => {
    const candidates = [{ id: 'cheap' }, { id: 'mid' }, { id: 'premium' }];
    const prompt = syntheticPrompt('hard', 160);
    assert.equal(router.choose({ prompt, candidates, costWeight: 0 }).id, 'premium');
    assert.equal(router.choose({ prompt, candidates, costWeight: 1000 }).id, 'cheap');
  });

  it('only ever picks a given candidate, resolves tiers through the models map, and uses given costs', () => {
    const prompt = syntheticPrompt('easy', 170);
    const onlyDear = router.choose({ prompt, candidates: [{ id: 'mid' }, { id: 'premium' }], targetQuality: 0.7 });
    assert.equal(onlyDear.id, 'mid');
    const tiers = router.choose({
      prompt,
      candidates: [{ id: 'fast' }, { id: 'premium' }, { id: 'unknown-tier' }],
      targetQuality: 0.7,
    });
    assert.equal(tiers.id, 'fast');
    assert.deepEqual(tiers.unknown, ['unknown-tier']);
    // Given estimates override the data's mean costs: a "cheap" that is now the dearest loses.
    const repriced = router.choose({
      prompt,
      candidates: [
        { id: 'cheap', costPerRequestEstimate: 1 },
        { id: 'mid', costPerRequestEstimate: 0.001 },
      ],
      targetQuality: 0.7,
    });
    assert.equal(repriced.id, 'mid');
    assert.throws(
      () => router.choose({ prompt, candidates: [{ id: 'nobody' }], targetQuality: 0.5 }),
      (error: unknown) => error instanceof GatewayError && error.code === 'no_route',
    );
  });

  it('saves and loads router.json with identical predictions', async () => {
    const path = join(directory, 'router.json');
    await saveRouter({ router, path });
    const loaded = await loadRouter(path);
    assert.deepEqual(loaded.toFile(), router.toFile());
    const prompt = syntheticPrompt('hard', 180);
    assert.deepEqual(loaded.score(prompt), router.score(prompt));
    assert.equal(loaded.toFile().modelsMap.cheap, 'fast');
    assert.equal(loaded.toFile().version, 1);
  });

  it('rejects a router file of another format or with inconsistent weights', async () => {
    const path = join(directory, 'broken.json');
    const file = router.toFile();
    await writeFile(path, JSON.stringify({ ...file, version: 99 }));
    await assert.rejects(
      loadRouter(path),
      (error: unknown) => error instanceof GatewayError && /version/.test(error.message),
    );
    await writeFile(path, JSON.stringify({ ...file, difficulty: { ...file.difficulty, weights: [1] } }));
    await assert.rejects(loadRouter(path), /difficulty\.weights: must have one entry per bucket/);
    await assert.rejects(loadRouter(join(directory, 'missing.json')), /Cannot read router file/);
  });

  it('decides in well under 2 ms per request', () => {
    const prompt = `${syntheticPrompt('hard', 190)} ${'with a long pasted context '.repeat(150)}`;
    const candidates = [{ id: 'cheap' }, { id: 'mid' }, { id: 'premium' }];
    const timings: number[] = [];
    for (let run = 0; run < 200; run += 1) {
      const started = performance.now();
      router.choose({ prompt, candidates, costWeight: 0.5 });
      timings.push(performance.now() - started);
    }
    timings.sort((left, right) => left - right);
    assert.ok((timings[100] as number) < 2, `median ${timings[100]} ms`);
  });
});

describe('LearnedRouter candidate pruning', () => {
  it('never picks a candidate that is dearer and worse on the record than another', () => {
    const rows = createSyntheticOutcomes({ perKind: 30, noise: 0.05 }).flatMap((row) =>
      // "lavish" costs more than premium and fails half of what premium answers.
      row.model === 'premium' ? [row, { ...row, model: 'lavish', costUsd: 0.02, score: row.prompt.length % 2 }] : [row],
    );
    const router = fitRouter({ rows });
    const choice = router.choose({
      prompt: syntheticPrompt('hard', 140),
      candidates: [{ id: 'cheap' }, { id: 'premium' }, { id: 'lavish' }],
      costWeight: 0,
    });
    assert.equal(choice.id, 'premium');
    assert.match(choice.explanation, /dominated: lavish/);
  });
});
