import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { embedText } from './embed-text.js';

const cosine = (left: number[], right: number[]): number =>
  left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);

describe('embedText', () => {
  it('returns a deterministic unit vector of the asked size', () => {
    const vector = embedText('How do I reset my password?', 256);
    assert.equal(vector.length, 256);
    assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-9);
    assert.deepEqual(embedText('How do I reset my password?', 256), vector);
    assert.equal(Math.abs(cosine(embedText('', 8), embedText('', 8)) - 1) < 1e-9, true);
  });

  it('puts paraphrases closer than unrelated texts', () => {
    const question = embedText('How do I reset my account password?', 1536);
    const paraphrase = embedText('how can I reset the password of my account', 1536);
    const unrelated = embedText('Best pizza restaurants near the harbour', 1536);
    assert.ok(cosine(question, paraphrase) > 0.5, String(cosine(question, paraphrase)));
    assert.ok(Math.abs(cosine(question, unrelated)) < 0.2, String(cosine(question, unrelated)));
  });
});
