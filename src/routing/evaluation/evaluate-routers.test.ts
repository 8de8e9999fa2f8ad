import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSyntheticOutcomes } from '../learned/__fixtures__/synthetic-outcomes.js';
import { evaluateRouters } from './evaluate-routers.js';
import { renderCurveSvg } from './render-curve-svg.js';

describe('evaluateRouters on synthetic outcomes', () => {
  const evaluation = evaluateRouters({
    rows: createSyntheticOutcomes({ perKind: 30, noise: 0.05 }),
    folds: 5,
    seed: 3,
  });
  const method = (kind: string) => {
    const found = evaluation.methods.find((entry) => entry.kind === kind);
    assert.ok(found, kind);
    return found;
  };

  it('evaluates every prompt once, with the premium and cheapest models as references', () => {
    assert.equal(evaluation.prompts, 60);
    assert.equal(evaluation.folds, 5);
    assert.equal(evaluation.premium.model, 'premium');
    assert.equal(evaluation.cheapest.model, 'cheap');
    assert.deepEqual(evaluation.methods.map((entry) => entry.kind).sort(), [
      'cheapest',
      'knn',
      'knn-pruned',
      'learned',
      'oracle',
      'premium',
      'random',
      'single',
    ]);
    assert.equal(method('premium').costForQuality['0.95'], 1);
    assert.ok(Math.abs(method('random').apgr - 0.5) < 1e-9);
  });

  it('finds that half the traffic can go to the cheap model at premium quality', () => {
    const learned = method('learned');
    // Easy prompts (half) go to the cheap model: about 0.5 · 0.01 + 0.5 · 1 of the premium cost.
    assert.ok((learned.costForQuality['0.95'] as number) < 0.7, `learned ${learned.costForQuality['0.95']}`);
    assert.ok((learned.costForQuality['0.95'] as number) < (method('random').costForQuality['0.95'] as number));
    assert.ok(learned.apgr > 0.7, `APGR ${learned.apgr}`);
    assert.ok(method('oracle').apgr >= learned.apgr);
    assert.ok(evaluation.learned.decisionMs.p50 < 2);
    assert.equal(evaluation.learned.trainSeconds.length, 5);
  });

  it('draws one polyline per router and a dot per single model as SVG', () => {
    const svg = renderCurveSvg(evaluation, 'toy <data>');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal(svg.match(/<polyline /g)?.length, 5);
    assert.equal(svg.match(/<circle data-method=/g)?.length, 3);
    assert.match(svg, /toy &lt;data&gt;/);
    assert.match(svg, /learned router \(APGR/);
    assert.ok(!/NaN|undefined/.test(svg));
  });
});
