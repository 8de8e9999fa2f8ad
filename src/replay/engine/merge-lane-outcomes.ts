import { mergeVariantResults } from './merge-reports.js';
import type { LaneOutcome } from './replay-lanes.js';

/**
 * Merges the outcomes of consecutive slices of one trace, each replayed through the same
 * configurations (in slice order), into one outcome per configuration, in the order of the first
 * slice. Exact when requests are independent of each other (see `VariantPlan.independentRequests`).
 */
export function mergeLaneOutcomes(slices: readonly (readonly LaneOutcome[])[]): LaneOutcome[] {
  const [first = []] = slices;
  return first.map(({ result }) => {
    const parts = slices.map((slice) => slice.find((outcome) => outcome.result.name === result.name) as LaneOutcome);
    const latenciesMs = parts.flatMap((part) => part.latenciesMs);
    return {
      result: mergeVariantResults(
        parts.map((part) => part.result),
        latenciesMs,
      ),
      trafficTokens: parts.reduce((sum, part) => sum + part.trafficTokens, 0),
      latenciesMs,
    };
  });
}
