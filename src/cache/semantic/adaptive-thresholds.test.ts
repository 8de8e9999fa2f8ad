import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandomForTest, randomUnitVector } from './__fixtures__/random-vectors.js';
import { AdaptiveThresholds } from './adaptive-thresholds.js';

describe('AdaptiveThresholds', () => {
  it('starts every cluster at the default and moves only the cluster that got feedback', () => {
    const thresholds = new AdaptiveThresholds({ dimensions: 8 });
    assert.equal(thresholds.thresholdFor('scope#1'), 0.9);
    const raised = thresholds.recordFeedback({ clusterId: 'scope#1', good: false });
    assert.ok(Math.abs(raised - 0.91) < 1e-9);
    assert.equal(thresholds.thresholdFor('scope#2'), 0.9);
  });

  it('lowers slowly on good hits near the threshold, not on good hits far above it', () => {
    const thresholds = new AdaptiveThresholds({ dimensions: 8, targetErrorRate: 0.05, raiseStep: 0.01 });
    const lowered = thresholds.recordFeedback({ clusterId: 'c', good: true, similarity: 0.91 });
    assert.ok(lowered < 0.9 && lowered > 0.899, `one good hit lowered to ${lowered}`);
    const unchanged = thresholds.recordFeedback({ clusterId: 'c', good: true, similarity: 0.99 });
    assert.equal(unchanged, lowered);
  });

  it('stays within its bounds however much feedback arrives', () => {
    const thresholds = new AdaptiveThresholds({ dimensions: 8, minThreshold: 0.86, maxThreshold: 0.97 });
    for (let index = 0; index < 1000; index++) thresholds.recordFeedback({ clusterId: 'bad', good: false });
    for (let index = 0; index < 100_000; index++) thresholds.recordFeedback({ clusterId: 'good', good: true });
    assert.equal(thresholds.thresholdFor('bad'), 0.97);
    assert.equal(thresholds.thresholdFor('good'), 0.86);
  });

  it('settles where the share of bad hits is the target error rate', () => {
    // Simulated cluster: a hit at similarity s is bad with probability falling linearly from 1 at 0.80 to 0 at 1.00.
    // Hits arrive uniformly above the threshold t; their bad share is then (1 - t) / 0.4, which is 5% at t = 0.98.
    const thresholds = new AdaptiveThresholds({
      dimensions: 8,
      targetErrorRate: 0.05,
      raiseStep: 0.002,
      minThreshold: 0.8,
    });
    const random = createSeededRandomForTest(7);
    for (let round = 0; round < 200_000; round++) {
      const threshold = thresholds.thresholdFor('c');
      const similarity = threshold + random() * (1 - threshold);
      const bad = random() < (1 - similarity) / 0.2;
      thresholds.recordFeedback({ clusterId: 'c', good: !bad });
    }
    const settled = thresholds.thresholdFor('c');
    assert.ok(Math.abs(settled - 0.98) < 0.01, `settled at ${settled}`);
  });

  it('buckets vectors the same way on every instance with the same seed', () => {
    const random = createSeededRandomForTest(3);
    const vectors = Array.from({ length: 50 }, () => randomUnitVector(64, random));
    const one = new AdaptiveThresholds({ dimensions: 64 });
    const two = new AdaptiveThresholds({ dimensions: 64 });
    const clustersOne = vectors.map((vector) => one.clusterOf('s', vector));
    assert.deepEqual(
      vectors.map((vector) => two.clusterOf('s', vector)),
      clustersOne,
    );
    assert.ok(new Set(clustersOne).size > 8, 'random vectors spread over several buckets');
    assert.notEqual(one.clusterOf('s', vectors[0] as Float32Array), one.clusterOf('t', vectors[0] as Float32Array));
  });
});
