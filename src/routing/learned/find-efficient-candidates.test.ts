import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findEfficientCandidates } from './find-efficient-candidates.js';
import { fitLogisticLink, sigmoid } from './fit-logistic-link.js';

describe('findEfficientCandidates', () => {
  it('keeps the rising cost–quality hull and drops dominated and below-hull candidates', () => {
    // costs:      1     2     3     4     10    12
    // qualities:  0.5   0.8   0.6   0.82  0.95  0.9
    // 0.6 at 3 is dominated by 0.8 at 2; 0.82 at 4 lies under the chord from (2, 0.8) to (10, 0.95);
    // 0.9 at 12 is dearer and worse than 0.95 at 10.
    const efficient = findEfficientCandidates({
      costs: [1, 2, 3, 4, 10, 12],
      priors: [0.5, 0.8, 0.6, 0.82, 0.95, 0.9],
    });
    assert.deepEqual(efficient, [true, true, false, false, true, false]);
  });

  it('keeps the better of two equally priced candidates', () => {
    assert.deepEqual(findEfficientCandidates({ costs: [1, 1], priors: [0.4, 0.6] }), [false, true]);
  });
});

describe('fitLogisticLink', () => {
  it('recovers a known link from graded outcomes', () => {
    const scores = Array.from({ length: 41 }, (_, index) => (index - 20) / 10);
    const outcomes = scores.map((score) => sigmoid(0.5 + 1.5 * score));
    const link = fitLogisticLink({ scores, outcomes, penalty: 1e-9 });
    assert.ok(Math.abs(link.intercept - 0.5) < 1e-4 && Math.abs(link.slope - 1.5) < 1e-4, JSON.stringify(link));
  });

  it('stays finite on separable outcomes and skips missing ones', () => {
    const link = fitLogisticLink({ scores: [-1, -0.5, 0.5, 1, 2], outcomes: [0, 0, 1, 1, Number.NaN] });
    assert.ok(Number.isFinite(link.slope) && link.slope > 0);
  });
});
