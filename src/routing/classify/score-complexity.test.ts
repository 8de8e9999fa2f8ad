import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_COMPLEXITY_WEIGHTS } from './complexity-weights.js';
import { estimateTokens, extractComplexityFeatures } from './extract-complexity-features.js';
import { scoreComplexity } from './score-complexity.js';

const SIMPLE = 'What is the capital of France?';
const CODE =
  'Write a Python function that parses a CSV file and returns a list of dicts.\n```python\ndef parse(path):\n    pass\n```';
const HARD = [
  'Analyze the liability implications of the following contract clause under GDPR and compare two strategies.',
  '1. First, derive the expected value of the penalty if p = 0.3 and the fine is 2 * 10^6.',
  '2. Then justify which option minimises regulatory risk, step by step.',
  '3. Finally, the answer must be a JSON table with exactly 3 rows.',
  'Which option would a court prefer? Why? What are the trade-offs?',
].join('\n');

describe('extractComplexityFeatures', () => {
  it('sees no code, math or reasoning in a one-line factual question', () => {
    const features = extractComplexityFeatures(SIMPLE);
    assert.equal(features.codeMarkers, 0);
    assert.equal(features.math, 0);
    assert.equal(features.reasoningVerbs, 0);
    assert.equal(features.multiStep, 0);
    assert.ok(Math.abs(features.questionCount - 1 / 3) < 1e-9);
  });

  it('recognises code markers', () => {
    assert.ok(extractComplexityFeatures(CODE).codeMarkers >= 0.5);
  });

  it('recognises math, reasoning, domain terms, several questions and multi-step instructions', () => {
    const features = extractComplexityFeatures(HARD);
    assert.ok(features.math > 0);
    assert.ok(features.reasoningVerbs >= 0.5);
    assert.ok(features.domainTerms >= 0.25);
    assert.equal(features.questionCount, 1);
    assert.equal(features.multiStep, 1);
    assert.ok(features.constraints >= 0.6);
  });

  it('grows the length feature with the prompt and saturates at 1', () => {
    const short = extractComplexityFeatures('word '.repeat(10)).length;
    const long = extractComplexityFeatures('word '.repeat(500)).length;
    const huge = extractComplexityFeatures('word '.repeat(50_000)).length;
    assert.ok(short < long && long < 1);
    assert.equal(huge, 1);
  });
});

describe('scoreComplexity', () => {
  it('orders simple < code < hard and maps them across the seeds thresholds (0.35 / 0.65)', () => {
    const simple = scoreComplexity({ text: SIMPLE }).score;
    const code = scoreComplexity({ text: CODE }).score;
    const hard = scoreComplexity({ text: HARD }).score;
    assert.ok(simple < 0.35, `simple scored ${simple}`);
    assert.ok(code > simple && code < hard, `code scored ${code}`);
    assert.ok(hard > 0.65, `hard scored ${hard}`);
  });

  it('names the features that drove the score, largest first, and they add up to the score', () => {
    const result = scoreComplexity({ text: HARD });
    assert.equal(result.drivers[0]?.feature, 'reasoningVerbs');
    const sum = DEFAULT_COMPLEXITY_WEIGHTS.base + result.drivers.reduce((total, d) => total + d.contribution, 0);
    assert.ok(Math.abs(Math.min(1, sum) - result.score) < 1e-9);
  });

  it('takes weights from configuration', () => {
    const withoutCode = scoreComplexity({ text: CODE, weights: { codeMarkers: 0 } });
    const withHeavyCode = scoreComplexity({ text: CODE, weights: { codeMarkers: 1 } });
    assert.ok(withHeavyCode.score > withoutCode.score);
    assert.ok(!withoutCode.drivers.some((driver) => driver.feature === 'codeMarkers'));
  });

  it('clamps to 0–1', () => {
    assert.equal(scoreComplexity({ text: HARD, weights: { base: 5 } }).score, 1);
    assert.equal(scoreComplexity({ text: SIMPLE, weights: { base: -5 } }).score, 0);
  });
});

describe('estimateTokens', () => {
  it('counts words as splitting on any JavaScript whitespace does', () => {
    const texts = [
      '',
      '   ',
      'one',
      ' two  words ',
      'tabs\tand\nnew\r\nlines\u000bvertical\u000cfeed',
      'no\u00a0break\u2003em\u3000ideographic\ufeffbom\u2028line\u2029para\u202fnarrow\u205fmath\u1680ogham',
      'émigré naïve 日本語 テキスト',
    ];
    for (const text of texts) {
      const words = text.split(/\s+/).filter((word) => word.length > 0).length;
      assert.equal(estimateTokens(text), Math.ceil(Math.max(words * 1.3, text.length / 4)), JSON.stringify(text));
    }
  });
});
