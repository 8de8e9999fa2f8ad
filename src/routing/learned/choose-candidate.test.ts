import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseCandidate } from './choose-candidate.js';

const costs = [1, 5, 20];

describe('chooseCandidate', () => {
  it('picks the cheapest candidate that reaches the target quality', () => {
    assert.equal(chooseCandidate({ qualities: [0.6, 0.8, 0.95], costs, knob: { targetQuality: 0.5 } }), 0);
    assert.equal(chooseCandidate({ qualities: [0.6, 0.8, 0.95], costs, knob: { targetQuality: 0.7 } }), 1);
    assert.equal(chooseCandidate({ qualities: [0.6, 0.8, 0.95], costs, knob: { targetQuality: 0.9 } }), 2);
  });

  it('escalates to the best prior when no prediction reaches the target', () => {
    // Without priors: the best prediction.
    assert.equal(chooseCandidate({ qualities: [0.7, 0.6, 0.5], costs, knob: { targetQuality: 0.9 } }), 0);
    // With priors: the candidate with the best track record.
    assert.equal(
      chooseCandidate({ qualities: [0.7, 0.6, 0.5], costs, priors: [0.5, 0.6, 0.9], knob: { targetQuality: 0.9 } }),
      2,
    );
  });

  it('maximises quality minus λ times relative cost', () => {
    const qualities = [0.6, 0.8, 0.95];
    assert.equal(chooseCandidate({ qualities, costs, knob: { costWeight: 0 } }), 2);
    // λ = 0.5: utilities 0.6 − 0.025, 0.8 − 0.125, 0.95 − 0.5 → the middle one.
    assert.equal(chooseCandidate({ qualities, costs, knob: { costWeight: 0.5 } }), 1);
    assert.equal(chooseCandidate({ qualities, costs, knob: { costWeight: 10 } }), 0);
  });

  it('breaks ties towards the cheaper candidate and handles no candidates', () => {
    assert.equal(chooseCandidate({ qualities: [0.9, 0.9], costs: [3, 2], knob: { costWeight: 0 } }), 1);
    assert.equal(chooseCandidate({ qualities: [], costs: [], knob: { costWeight: 0 } }), -1);
  });
});
