/**
 * The single knob that trades cost against quality, in one of two forms:
 * - `targetQuality`: the cheapest candidate whose predicted quality reaches the target; when none
 *   does, the candidate with the best track record (highest prior quality, see
 *   {@link ChooseCandidateInput.priors}): when the router is unsure, it escalates to the strongest
 *   candidate rather than betting on the highest of several noisy predictions.
 * - `costWeight` (λ ≥ 0): the candidate maximising `quality − λ · cost / maxCost`, where `maxCost` is
 *   the dearest candidate's cost, so λ = 1 means "paying for the dearest candidate is worth exactly one
 *   whole unit of success probability"; λ = 0 is pure quality, large λ pure cost.
 */
export type QualityKnob =
  | { targetQuality: number; costWeight?: undefined }
  | { costWeight: number; targetQuality?: undefined };

/** Input of {@link chooseCandidate}. */
export interface ChooseCandidateInput {
  /** Predicted quality (probability of success) per candidate. */
  qualities: ArrayLike<number>;
  /** Expected cost per candidate, any consistent unit. */
  costs: ArrayLike<number>;
  /** Mean observed quality per candidate; defaults to the predictions themselves. */
  priors?: ArrayLike<number>;
  /** Candidates that may be chosen (default all); when none is eligible, all are. */
  eligible?: ArrayLike<boolean>;
  knob: QualityKnob;
}

/** Index of the chosen candidate (see {@link QualityKnob}); -1 when there are no candidates. */
export function chooseCandidate(input: ChooseCandidateInput): number {
  const { qualities, costs, knob } = input;
  const count = qualities.length;
  if (count === 0) return -1;
  let anyEligible = false;
  for (let index = 0; index < count; index += 1) if (input.eligible?.[index] ?? true) anyEligible = true;
  const skip = (index: number) => anyEligible && !(input.eligible?.[index] ?? true);
  if (knob.targetQuality !== undefined) {
    const priors = input.priors ?? qualities;
    let chosen = -1;
    let best = -1;
    for (let index = 0; index < count; index += 1) {
      if (skip(index)) continue;
      const quality = qualities[index] as number;
      const prior = priors[index] as number;
      const cost = costs[index] as number;
      if (quality >= knob.targetQuality && (chosen === -1 || cost < (costs[chosen] as number))) chosen = index;
      if (
        best === -1 ||
        prior > (priors[best] as number) ||
        (prior === priors[best] && cost < (costs[best] as number))
      ) {
        best = index;
      }
    }
    return chosen === -1 ? best : chosen;
  }
  let maxCost = 0;
  for (let index = 0; index < count; index += 1) maxCost = Math.max(maxCost, costs[index] as number);
  const scale = maxCost > 0 ? knob.costWeight / maxCost : 0;
  let chosen = -1;
  let bestUtility = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < count; index += 1) {
    if (skip(index)) continue;
    const utility = (qualities[index] as number) - scale * (costs[index] as number);
    if (
      chosen === -1 ||
      utility > bestUtility ||
      (utility === bestUtility && (costs[index] as number) < (costs[chosen] as number))
    ) {
      bestUtility = utility;
      chosen = index;
    }
  }
  return chosen;
}
