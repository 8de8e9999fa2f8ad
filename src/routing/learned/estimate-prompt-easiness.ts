import { fitLogisticLink, sigmoid } from './fit-logistic-link.js';

/** Input of {@link estimatePromptEasiness}. */
export interface EstimatePromptEasinessInput {
  /** `scores[prompt][model]`, 0–1, `NaN` where not observed. */
  scores: readonly Float64Array[];
  /** Alternating rounds of link and easiness updates (default 8). */
  rounds?: number;
}

function standardise(values: Float64Array): void {
  const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
  const spread =
    Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length)) || 1;
  for (let index = 0; index < values.length; index += 1) values[index] = ((values[index] as number) - mean) / spread;
}

/**
 * Each prompt's latent easiness under a two-parameter item response model, `P(model m succeeds on
 * prompt p) = sigmoid(a_m + b_m · θ_p)`, fitted by alternating maximum a posteriori estimates (a
 * standard normal prior on θ keeps prompts that every model solves, or none does, finite). Unlike the
 * plain share of models that succeed, a model whose outcomes track easiness closely (a large b_m)
 * counts for more than one that succeeds or fails almost at random. Returned standardised (mean 0,
 * spread 1); higher is easier.
 */
export function estimatePromptEasiness(input: EstimatePromptEasinessInput): Float64Array {
  const { scores } = input;
  const models = scores[0]?.length ?? 0;
  const theta = Float64Array.from(scores, (row) => {
    let sum = 0;
    let count = 0;
    for (const value of row) {
      if (Number.isFinite(value)) {
        sum += value;
        count += 1;
      }
    }
    return count > 0 ? sum / count : 0.5;
  });
  standardise(theta);
  const rounds = input.rounds ?? 8;
  for (let round = 0; round < rounds; round += 1) {
    const links = Array.from({ length: models }, (_, model) =>
      fitLogisticLink({ scores: theta, outcomes: scores.map((row) => row[model] as number) }),
    );
    scores.forEach((row, prompt) => {
      let value = theta[prompt] as number;
      for (let step = 0; step < 20; step += 1) {
        let gradient = -value;
        let curvature = 1;
        for (let model = 0; model < models; model += 1) {
          const outcome = row[model] as number;
          if (!Number.isFinite(outcome)) continue;
          const link = links[model] as { intercept: number; slope: number };
          const probability = sigmoid(link.intercept + link.slope * value);
          gradient += link.slope * (outcome - probability);
          curvature += link.slope * link.slope * probability * (1 - probability);
        }
        const change = gradient / curvature;
        value += change;
        if (Math.abs(change) < 1e-8) break;
      }
      theta[prompt] = value;
    });
    standardise(theta);
  }
  return theta;
}
