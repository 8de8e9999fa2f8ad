import { type ComplexityWeights, DEFAULT_COMPLEXITY_WEIGHTS } from './complexity-weights.js';
import { type ComplexityFeatures, extractComplexityFeatures } from './extract-complexity-features.js';

/** One feature's share of the score, for the route explanation. */
export interface ComplexityContribution {
  /** Feature name, as in {@link ComplexityFeatures}. */
  feature: keyof ComplexityFeatures;
  /** The feature's normalised value, 0–1. */
  value: number;
  /** What it added to the score (weight × value). */
  contribution: number;
}

/** The classifier's verdict on one prompt. */
export interface ComplexityScore {
  /** Complexity, 0 (trivial) – 1 (needs the strongest model). */
  score: number;
  /** Every feature value. */
  features: ComplexityFeatures;
  /** The features that raised the score, largest first (zero contributions left out). */
  drivers: ComplexityContribution[];
}

/** Input of {@link scoreComplexity}. */
export interface ScoreComplexityInput {
  /** The prompt text (system and user messages joined by the caller). */
  text: string;
  /** Weights to use; missing ones fall back to {@link DEFAULT_COMPLEXITY_WEIGHTS}. */
  weights?: Partial<ComplexityWeights>;
}

const FEATURE_NAMES: readonly (keyof ComplexityFeatures)[] = [
  'length',
  'codeMarkers',
  'math',
  'reasoningVerbs',
  'domainTerms',
  'questionCount',
  'multiStep',
  'constraints',
];

/**
 * Scores a prompt's complexity with the heuristic classifier: `clamp(base + Σ weight × feature, 0, 1)`.
 * The drivers say which features decided, so the route explanation can name them.
 */
export function scoreComplexity(input: ScoreComplexityInput): ComplexityScore {
  const weights: ComplexityWeights = { ...DEFAULT_COMPLEXITY_WEIGHTS, ...input.weights };
  const features = extractComplexityFeatures(input.text, { lengthSaturationTokens: weights.lengthSaturationTokens });
  let total = weights.base;
  const drivers: ComplexityContribution[] = [];
  for (const feature of FEATURE_NAMES) {
    const value = features[feature];
    const contribution = weights[feature] * value;
    total += contribution;
    if (contribution > 0) drivers.push({ feature, value, contribution });
  }
  drivers.sort((left, right) => right.contribution - left.contribution);
  return { score: Math.min(1, Math.max(0, total)), features, drivers };
}
