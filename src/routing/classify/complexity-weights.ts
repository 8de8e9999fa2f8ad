/**
 * Weights of the heuristic complexity classifier, as plain data so that configuration (tollgate.yaml
 * `routing.classifier.weights`) can override any of them without importing a schema library.
 *
 * The score is `clamp(base + Σ weight × feature, 0, 1)`, every feature being normalised to 0–1 first,
 * so a weight reads directly as "how much of the 0–1 scale this feature can add at most".
 */
export interface ComplexityWeights {
  /** Score of an empty prompt: where every request starts. */
  base: number;
  /** Prompt length, saturating at {@link ComplexityWeights.lengthSaturationTokens}. */
  length: number;
  /** Code: fences, keywords, braces and semicolons, stack traces. */
  codeMarkers: number;
  /** Mathematics: equations, operators between numbers, LaTeX, math vocabulary. */
  math: number;
  /** Reasoning verbs: analyse, compare, derive, prove, justify, design, step by step. */
  reasoningVerbs: number;
  /** Domain terms where a wrong answer is costly: legal, medical, financial, safety, compliance. */
  domainTerms: number;
  /** Number of questions asked, saturating at three. */
  questionCount: number;
  /** Multi-step instructions: numbered or bulleted steps, "first … then … finally". */
  multiStep: number;
  /** Explicit output constraints: exact formats, schemas, "must", word limits. */
  constraints: number;
  /** Estimated tokens at which the length feature reaches 1 (it grows with the logarithm of length). */
  lengthSaturationTokens: number;
}

/**
 * Default weights. They follow the seeds' heuristics (length, code and JSON markers, analyse/compare/
 * derive, safety/legal/financial terms, math, questions) scaled so that a one-line factual question
 * scores about 0.1, a plain code request about 0.35–0.5, and a multi-step analytical request in a
 * regulated domain 0.75 or more: the seeds' tier thresholds are 0.35 and 0.65.
 */
export const DEFAULT_COMPLEXITY_WEIGHTS: Readonly<ComplexityWeights> = Object.freeze({
  base: 0.05,
  length: 0.2,
  codeMarkers: 0.25,
  math: 0.2,
  reasoningVerbs: 0.3,
  domainTerms: 0.15,
  questionCount: 0.08,
  multiStep: 0.2,
  constraints: 0.1,
  lengthSaturationTokens: 2000,
});
