import { mergeVariantResults } from './merge-reports.js';
import type { LaneOutcome } from './replay-lanes.js';

/**
 * Merges the outcomes of disjoint shares of one trace, each replayed through the same configurations,
 * into one outcome per configuration, in the order of the first share. Exact when requests are
 * independent of each other (see `VariantPlan.independentRequests`): totals and cumulative costs add,
 * latency percentiles come from every request's latency.
 */
export function mergeLaneOutcomes(shares: readonly (readonly LaneOutcome[])[]): LaneOutcome[] {
  const [first = []] = shares;
  return first.map(({ result }) => {
    const parts = shares.map((share) => share.find((outcome) => outcome.result.name === result.name) as LaneOutcome);
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
