import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitFoldsByPrompt } from './split-folds-by-prompt.js';

describe('splitFoldsByPrompt', () => {
  const promptIndices = Array.from({ length: 23 }, (_, index) => index * 2);

  it('deals every prompt into exactly one fold of near-equal size', () => {
    const folds = splitFoldsByPrompt({ promptIndices, folds: 5, seed: 1 });
    assert.equal(folds.length, 5);
    assert.deepEqual(
      folds.flat().sort((a, b) => a - b),
      promptIndices,
    );
    const sizes = folds.map((fold) => fold.length);
    assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    assert.deepEqual(
      splitFoldsByPrompt({ promptIndices, folds: 5, seed: 7 }),
      splitFoldsByPrompt({ promptIndices, folds: 5, seed: 7 }),
    );
    assert.notDeepEqual(
      splitFoldsByPrompt({ promptIndices, folds: 5, seed: 7 }),
      splitFoldsByPrompt({ promptIndices, folds: 5, seed: 8 }),
    );
  });
});
