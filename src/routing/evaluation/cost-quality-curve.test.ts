import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { averagePerformanceGapRecovered, costToReach, qualityAtCost, upperConvexHull } from './cost-quality-curve.js';

const cheapest = { cost: 1, quality: 0.5 };
const premium = { cost: 5, quality: 0.9 };
const point = (cost: number, quality: number) => ({ cost, quality, label: `${cost}` });

describe('upperConvexHull', () => {
  it('keeps the non-decreasing upper hull and drops dominated and falling points', () => {
    const hull = upperConvexHull([
      point(5, 0.9),
      point(1, 0.5),
      point(3, 0.7),
      point(2, 0.8),
      point(6, 0.85),
      point(2, 0.6),
    ]);
    assert.deepEqual(
      hull.map((entry) => [entry.cost, entry.quality]),
      [
        [1, 0.5],
        [2, 0.8],
        [5, 0.9],
      ],
    );
  });
});

describe('averagePerformanceGapRecovered', () => {
  it('matches a hand-computed toy curve', () => {
    // PGR is 0 at cost 1, 0.75 at cost 2 and 1 at cost 5, linear in between:
    // (0 + 0.75) / 2 · 1 + (0.75 + 1) / 2 · 3 = 3, over a span of 4 → 0.75.
    const hull = upperConvexHull([point(1, 0.5), point(2, 0.8), point(3, 0.7), point(5, 0.9)]);
    assert.ok(Math.abs(averagePerformanceGapRecovered({ hull, cheapest, premium }) - 0.75) < 1e-12);
  });

  it('gives 0.5 for random mixing, 0 for always-premium, and no credit below a curve start', () => {
    const mixing = upperConvexHull([point(1, 0.5), point(5, 0.9)]);
    assert.ok(Math.abs(averagePerformanceGapRecovered({ hull: mixing, cheapest, premium }) - 0.5) < 1e-12);
    assert.equal(averagePerformanceGapRecovered({ hull: [point(5, 0.9)], cheapest, premium }), 0);
    // Premium quality from cost 3 on: PGR 0 on [1, 3), 1 on [3, 5] → 0.5.
    assert.ok(Math.abs(averagePerformanceGapRecovered({ hull: [point(3, 0.9)], cheapest, premium }) - 0.5) < 1e-12);
  });
});

describe('costToReach and qualityAtCost', () => {
  const hull = upperConvexHull([point(1, 0.5), point(2, 0.8), point(5, 0.9)]);

  it('interpolates between hull points', () => {
    // 95% of premium quality = 0.855: 55% of the way from (2, 0.8) to (5, 0.9) → cost 3.65.
    assert.ok(Math.abs((costToReach(hull, 0.95 * premium.quality) as number) - 3.65) < 1e-12);
    assert.equal(costToReach(hull, 0.4), 1);
    assert.equal(costToReach(hull, 0.95), undefined);
  });

  it('reads the quality at a budget, flat beyond the last point and undefined below the first', () => {
    assert.ok(Math.abs((qualityAtCost(hull, 1.5) as number) - 0.65) < 1e-12);
    assert.equal(qualityAtCost(hull, 10), 0.9);
    assert.equal(qualityAtCost(hull, 0.5), undefined);
  });
});
