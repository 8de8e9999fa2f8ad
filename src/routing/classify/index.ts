/** Heuristic request classification: complexity score with its drivers, and task type. */
export { type ComplexityWeights, DEFAULT_COMPLEXITY_WEIGHTS } from './complexity-weights.js';
export { detectTaskType, TASK_TYPES, type TaskType, type TaskTypeDetection } from './detect-task-type.js';
export {
  type ComplexityFeatures,
  type ExtractComplexityFeaturesOptions,
  estimateTokens,
  extractComplexityFeatures,
} from './extract-complexity-features.js';
export {
  type ComplexityContribution,
  type ComplexityScore,
  type ScoreComplexityInput,
  scoreComplexity,
} from './score-complexity.js';
