import { readFileSync } from 'node:fs';
import { GatewayError } from '../../spec/index.js';
import { PAIR_FEATURE_NAMES } from './compute-pair-features.js';

/**
 * One regression tree of depth `depth`, stored as a complete binary tree: internal node `i` (level
 * by level, root 0) sends a pair right when `features[feature[i]] >= threshold[i]`; `feature[i] = -1`
 * sends every pair left. `leaves` has `2^depth` values, added to the log-odds.
 */
export interface BoostedTree {
  feature: number[];
  threshold: number[];
  leaves: number[];
}

/** The model file `verifier-model.json`, written by `npm run train:verifier`. */
export interface PairClassifierModel {
  /** What produced the file: command, date, data file, split, hyperparameters, cross-validated point. */
  trainedWith: Record<string, unknown>;
  /** The features the trees read, in order; must equal {@link PAIR_FEATURE_NAMES}. */
  featureNames: string[];
  depth: number;
  /** Starting log-odds (the tune part's share of duplicates). */
  base: number;
  learningRate: number;
  trees: BoostedTree[];
  /**
   * The default operating point: the least probability of "same question" at which a candidate is
   * served, chosen by cross-validation on the tune part (see `trainedWith`).
   */
  minProbability: number;
}

/**
 * The learned half of the verifier: gradient-boosted trees over {@link PAIR_FEATURE_NAMES} that
 * estimate the probability that two prompts ask the same question. Inference is a few hundred
 * comparisons (microseconds), so it runs on every candidate a lookup retrieves.
 */
export class PairClassifier {
  readonly minProbability: number;
  /** How the model was trained (the file's `trainedWith`). */
  readonly trainedWith: Record<string, unknown>;
  private readonly model: PairClassifierModel;

  constructor(model: PairClassifierModel) {
    const expected = PAIR_FEATURE_NAMES.join(',');
    if (model.featureNames.join(',') !== expected) {
      throw new GatewayError({
        code: 'internal',
        message: `Verifier model reads features [${model.featureNames.join(', ')}], this code computes [${PAIR_FEATURE_NAMES.join(', ')}]: retrain it with npm run train:verifier.`,
      });
    }
    const nodes = 2 ** model.depth - 1;
    for (const tree of model.trees) {
      if (tree.feature.length !== nodes || tree.threshold.length !== nodes || tree.leaves.length !== nodes + 1) {
        throw new GatewayError({ code: 'internal', message: 'Verifier model has a malformed tree.' });
      }
    }
    this.model = model;
    this.minProbability = model.minProbability;
    this.trainedWith = model.trainedWith;
  }

  /** Reads a model file written by `npm run train:verifier`. */
  static fromFile(path: string | URL): PairClassifier {
    return new PairClassifier(JSON.parse(readFileSync(path, 'utf8')) as PairClassifierModel);
  }

  /** The log-odds that the pair asks the same question. */
  score(features: readonly number[]): number {
    const { depth, trees, learningRate } = this.model;
    let total = this.model.base;
    for (const tree of trees) {
      let node = 0;
      for (let level = 0; level < depth; level++) {
        const index = 2 ** level - 1 + node;
        const feature = tree.feature[index] as number;
        node = 2 * node + (feature >= 0 && (features[feature] as number) >= (tree.threshold[index] as number) ? 1 : 0);
      }
      total += learningRate * (tree.leaves[node] as number);
    }
    return total;
  }

  /** The probability that the pair asks the same question. */
  probability(features: readonly number[]): number {
    return 1 / (1 + Math.exp(-this.score(features)));
  }
}

let shipped: PairClassifier | undefined;

/** The model that ships with Tollgate (`src/cache/semantic/verifier-model.json`), loaded once. */
export function loadShippedPairClassifier(): PairClassifier {
  shipped ??= PairClassifier.fromFile(new URL('./verifier-model.json', import.meta.url));
  return shipped;
}
