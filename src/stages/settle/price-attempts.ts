import type { Deployment } from '../../gateway/deployment.js';
import { computeCost, computeCounterfactualCost } from '../../pricing/compute-cost.js';
import type { Usage } from '../../spec/index.js';
import type { AttemptLog } from '../attempt/attempt-log.js';
import type { SettledAttempt } from './settled-request.js';

/** Prices each attempt, and the counterfactual of the answering one on the baseline model. */
export function priceAttempts(options: {
  attempts: AttemptLog[];
  baseline: Deployment | undefined;
  usage: Usage | undefined;
}): { attempts: SettledAttempt[]; costUsd: number; counterfactualCostUsd: number; priced: boolean } {
  let costUsd = 0;
  let priced = true;
  const attempts = options.attempts.map((attempt) => {
    const price = attempt.deployment.price;
    if (attempt.usage && !price) priced = false;
    const attemptCost = attempt.usage && price ? computeCost({ usage: attempt.usage, price }) : 0;
    costUsd += attemptCost;
    return { ...attempt, costUsd: attemptCost };
  });
  const baselinePrice = options.baseline?.price;
  const counterfactualCostUsd =
    options.usage && baselinePrice ? computeCounterfactualCost({ usage: options.usage, baselinePrice }) : 0;
  return { attempts, costUsd, counterfactualCostUsd, priced };
}
