import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { computePairFeatures, PAIR_FEATURE_NAMES, type PairFeatureName } from './compute-pair-features.js';
import { loadShippedPairClassifier, PairClassifier, type PairClassifierModel } from './pair-classifier.js';
import { verifyCandidate } from './verify-candidate.js';

const featureOf = (pair: { query: string; candidate: string; similarity: number }, name: PairFeatureName): number => {
  const index = PAIR_FEATURE_NAMES.indexOf(name);
  assert.ok(index >= 0, `no feature ${name}`);
  return computePairFeatures(pair).features[index] as number;
};

/** A one-tree model that says "same question" exactly when the cosine reaches 0.9. */
function cosineStump(): PairClassifierModel {
  return {
    trainedWith: { command: 'unit test' },
    featureNames: [...PAIR_FEATURE_NAMES],
    depth: 1,
    base: 0,
    learningRate: 1,
    trees: [{ feature: [PAIR_FEATURE_NAMES.indexOf('cosine')], threshold: [0.9], leaves: [-5, 5] }],
    minProbability: 0.5,
  };
}

describe('computePairFeatures', () => {
  it('writes one value per declared feature, the same whichever prompt was cached first', () => {
    const pair = { query: 'How do I learn Python quickly?', candidate: 'What is the quickest way to learn Python?' };
    const forward = computePairFeatures({ ...pair, similarity: 0.93 }).features;
    const backward = computePairFeatures({ query: pair.candidate, candidate: pair.query, similarity: 0.93 }).features;
    assert.equal(forward.length, PAIR_FEATURE_NAMES.length);
    assert.deepEqual(forward, backward);
  });

  it('flags what changes the answer: numbers, negation, entities, symbols', () => {
    const similarity = 0.95;
    const flags: [query: string, candidate: string, feature: PairFeatureName, expected: number][] = [
      ['What is 15% of 200?', 'What is 15% of 300?', 'numbers_differ', 1],
      ['What is 15% of 200?', 'what is 15% of 200', 'numbers_differ', 0],
      ['Is coffee bad for you?', 'Is coffee not bad for you?', 'negation_kinds_differ', 1],
      ['What does ~ mean in C++?', 'What does % mean in C++?', 'symbols_differ', 1],
      ['How can I lose weight?', 'how can i lose weight', 'same_text_ignoring_case', 1],
    ];
    for (const [query, candidate, feature, expected] of flags) {
      assert.equal(
        featureOf({ query, candidate, similarity }, feature),
        expected,
        `${feature}: ${query} / ${candidate}`,
      );
    }
    assert.ok(
      featureOf(
        { query: 'Flights to Paris in June', candidate: 'Flights to Rome in June', similarity },
        'missing_entities',
      ) > 0,
    );
  });
});

describe('PairClassifier', () => {
  it('loads the shipped model, which reads exactly the features this code computes', () => {
    const file = JSON.parse(
      readFileSync(new URL('./verifier-model.json', import.meta.url), 'utf8'),
    ) as PairClassifierModel;
    assert.deepEqual(file.featureNames, [...PAIR_FEATURE_NAMES]);
    assert.equal(typeof file.trainedWith.command, 'string');
    assert.match(String(file.trainedWith.data), /qqp_pairs_dev\.json/);
    assert.ok(file.trees.length > 0);
    const classifier = loadShippedPairClassifier();
    assert.ok(classifier.minProbability > 0.5 && classifier.minProbability < 1);
    const probability = classifier.probability(
      computePairFeatures({ query: 'How do I learn Python?', candidate: 'How can I learn Python?', similarity: 0.95 })
        .features,
    );
    assert.ok(probability > 0 && probability < 1);
  });

  it('refuses a model trained on another feature list', () => {
    const stale = { ...cosineStump(), featureNames: PAIR_FEATURE_NAMES.slice(1) };
    assert.throws(() => new PairClassifier(stale), /retrain it with npm run train:verifier/);
  });

  it('walks each tree to a leaf and adds the leaves to the log-odds', () => {
    const classifier = new PairClassifier(cosineStump());
    const features = (similarity: number) =>
      computePairFeatures({ query: 'How to cook rice?', candidate: 'How do I cook rice?', similarity }).features;
    assert.ok(Math.abs(classifier.score(features(0.95)) - 5) < 1e-12);
    assert.ok(Math.abs(classifier.score(features(0.85)) + 5) < 1e-12);
  });
});

describe('verifyCandidate', () => {
  it('serves the same question re-cased or re-punctuated, whatever the model says', () => {
    const verdict = verifyCandidate({
      query: 'How can I lose weight fast?',
      candidate: 'how can i lose weight fast',
      similarity: 0.99,
    });
    assert.equal(verdict.accept, true);
  });

  it('accepts a known duplicate the shipped model is sure of', () => {
    // "How do I …" / "How can I …" with every content word kept: among the surest Quora duplicates.
    const pair = {
      query: 'How do I improve my English speaking?',
      candidate: 'How can I improve my English speaking?',
    };
    const shipped = loadShippedPairClassifier();
    const { features } = computePairFeatures({ ...pair, similarity: 0.97 });
    const probability = shipped.probability(features);
    assert.ok(probability > 0.9, `probability ${probability}`);
    assert.equal(verifyCandidate({ ...pair, similarity: 0.97 }, { minProbability: 0.9 }).accept, true);
  });

  it('rejects a changed number or a negation before the classifier, however sure it is', () => {
    const sure = new PairClassifier({ ...cosineStump(), minProbability: 0 });
    const numbers = verifyCandidate(
      { query: 'What is 15% of 200?', candidate: 'What is 15% of 300?', similarity: 0.99 },
      { classifier: sure },
    );
    assert.equal(numbers.accept ? 'accept' : numbers.reason, 'numbers-differ');
    const negation = verifyCandidate(
      { query: 'Is coffee bad for your health?', candidate: 'Is coffee not bad for your health?', similarity: 0.99 },
      { classifier: sure },
    );
    assert.equal(negation.accept ? 'accept' : negation.reason, 'negation-differs');
    const relaxed = verifyCandidate(
      { query: 'What is 15% of 200?', candidate: 'What is 15% of 300?', similarity: 0.99 },
      { classifier: sure, disabled: ['numbers-differ'] },
    );
    assert.equal(relaxed.accept, true);
  });

  it('rejects below the least probability and accepts when a deployment relaxes it', () => {
    const pair = { query: 'How can I make money online?', candidate: 'How can I earn money online?', similarity: 0.95 };
    const strict = verifyCandidate(pair, { minProbability: 0.999 });
    assert.equal(strict.accept ? 'accept' : strict.reason, 'classifier-rejects');
    assert.equal(verifyCandidate(pair, { minProbability: 0.01 }).accept, true);
  });

  it('runs the hand-written rules alone in rules mode', () => {
    const pair = {
      query: 'Where can I buy cheap phones?',
      candidate: 'Where do I buy a cheap phone',
      similarity: 0.95,
    };
    const rules = verifyCandidate(pair, { mode: 'rules' });
    assert.equal(rules.accept ? 'accept' : rules.reason, 'function-words-differ');
    assert.equal(verifyCandidate(pair, { mode: 'rules', maxFunctionWordChanges: 3 }).accept, true);
  });
});
