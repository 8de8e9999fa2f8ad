/** A calibration link from a score to a probability: `p = 1 / (1 + exp(−(intercept + slope · score)))`. */
export interface LogisticLink {
  intercept: number;
  slope: number;
}

/** Input of {@link fitLogisticLink}. */
export interface FitLogisticLinkInput {
  /** One score per example. */
  scores: ArrayLike<number>;
  /** Outcome per example, 0–1 (fractional outcomes are fine); `NaN` examples are skipped. */
  outcomes: ArrayLike<number>;
  /** L2 penalty on both parameters, keeping a separable or tiny sample finite (default 1). */
  penalty?: number;
}

/** `1 / (1 + e^−x)`. */
export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}

/**
 * Fits a one-feature logistic regression by Newton's method (a penalised maximum likelihood, so it
 * always converges). Used to turn a shared difficulty score into each model's probability of success.
 */
export function fitLogisticLink(input: FitLogisticLinkInput): LogisticLink {
  const penalty = input.penalty ?? 1;
  let intercept = 0;
  let slope = 0;
  for (let iteration = 0; iteration < 50; iteration += 1) {
    // Gradient and Hessian of the penalised negative log-likelihood.
    let gradientIntercept = penalty * intercept;
    let gradientSlope = penalty * slope;
    let hessianII = penalty;
    let hessianIS = 0;
    let hessianSS = penalty;
    for (let index = 0; index < input.scores.length; index += 1) {
      const outcome = input.outcomes[index] as number;
      if (!Number.isFinite(outcome)) continue;
      const score = input.scores[index] as number;
      const probability = sigmoid(intercept + slope * score);
      const residual = probability - outcome;
      const weight = probability * (1 - probability);
      gradientIntercept += residual;
      gradientSlope += residual * score;
      hessianII += weight;
      hessianIS += weight * score;
      hessianSS += weight * score * score;
    }
    const determinant = hessianII * hessianSS - hessianIS * hessianIS;
    if (!(determinant > 0)) break;
    const stepIntercept = (hessianSS * gradientIntercept - hessianIS * gradientSlope) / determinant;
    const stepSlope = (hessianII * gradientSlope - hessianIS * gradientIntercept) / determinant;
    intercept -= stepIntercept;
    slope -= stepSlope;
    if (Math.abs(stepIntercept) + Math.abs(stepSlope) < 1e-10) break;
  }
  return { intercept, slope };
}
