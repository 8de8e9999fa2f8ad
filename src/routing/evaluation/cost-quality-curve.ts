/** One operating point of a routing method: mean cost per request and mean quality over the test prompts. */
export interface CurvePoint {
  /** Mean cost per request, USD. */
  cost: number;
  /** Mean quality (share of prompts answered correctly). */
  quality: number;
  /** What produced the point (a knob value, a model). */
  label: string;
}

/** A reference point: the cheapest or the premium model's (cost, quality). */
export interface ReferencePoint {
  cost: number;
  quality: number;
}

/**
 * The non-decreasing upper convex hull of operating points (RouterBench's "NDCH"): every point on it is
 * achievable by randomly mixing the two neighbouring operating points, and no mix of the method's
 * points does better. Returned sorted by cost, ending at the highest-quality point.
 */
export function upperConvexHull(points: readonly CurvePoint[]): CurvePoint[] {
  const sorted = [...points].sort((left, right) => left.cost - right.cost || right.quality - left.quality);
  const hull: CurvePoint[] = [];
  for (const point of sorted) {
    if (hull.length > 0 && (hull[hull.length - 1] as CurvePoint).cost === point.cost) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as CurvePoint;
      const b = hull[hull.length - 1] as CurvePoint;
      // Drop b when it lies on or below the segment from a to the new point.
      const cross = (b.cost - a.cost) * (point.quality - a.quality) - (b.quality - a.quality) * (point.cost - a.cost);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(point);
  }
  let best = 0;
  hull.forEach((point, index) => {
    if (point.quality > (hull[best] as CurvePoint).quality) best = index;
  });
  return hull.slice(0, best + 1);
}

/**
 * Quality the hull reaches at a cost budget: linear between hull points, flat after the last one,
 * `undefined` below the first (the method has no operating point that cheap).
 */
export function qualityAtCost(hull: readonly CurvePoint[], cost: number): number | undefined {
  const first = hull[0];
  if (!first || cost < first.cost) return undefined;
  for (let index = 1; index < hull.length; index += 1) {
    const right = hull[index] as CurvePoint;
    if (cost <= right.cost) {
      const left = hull[index - 1] as CurvePoint;
      const share = (cost - left.cost) / (right.cost - left.cost);
      return left.quality + share * (right.quality - left.quality);
    }
  }
  return (hull[hull.length - 1] as CurvePoint).quality;
}

/**
 * Lowest cost at which the hull reaches `quality` (interpolating between hull points), or `undefined`
 * when the method never reaches it.
 */
export function costToReach(hull: readonly CurvePoint[], quality: number): number | undefined {
  const first = hull[0];
  if (!first) return undefined;
  if (first.quality >= quality) return first.cost;
  for (let index = 1; index < hull.length; index += 1) {
    const right = hull[index] as CurvePoint;
    if (right.quality >= quality) {
      const left = hull[index - 1] as CurvePoint;
      const share = (quality - left.quality) / (right.quality - left.quality);
      return left.cost + share * (right.cost - left.cost);
    }
  }
  return undefined;
}

/** Input of {@link averagePerformanceGapRecovered}. */
export interface ApgrInput {
  /** The method's hull (see {@link upperConvexHull}). */
  hull: readonly CurvePoint[];
  /** Always-cheapest: the cost axis starts at its cost, and its quality is "0% of the gap". */
  cheapest: ReferencePoint;
  /** Always-premium: the cost axis ends at its cost, and its quality is "100% of the gap". */
  premium: ReferencePoint;
}

/**
 * APGR, the average performance gap recovered over a cost sweep (RouteLLM's APGR, with RouterBench's
 * cost axis and convex hull):
 *
 *   PGR(q) = (q − q_cheapest) / (q_premium − q_cheapest)
 *   APGR   = 1 / (c_premium − c_cheapest) · ∫ from c_cheapest to c_premium of PGR(H(c)) dc
 *
 * where H(c) is the quality of the method's non-decreasing convex hull at mean cost per request c
 * (flat beyond its dearest point). Below the method's cheapest operating point it has nothing to
 * offer, and PGR counts as 0 there (the budget-constrained caller falls back to the cheapest model).
 * Random mixing of the two reference models gives exactly 0.5; the always-premium point gives 0;
 * a router that is as good as premium at the cheapest model's cost gives 1. PGR is not clipped, so a
 * router beyond premium quality can exceed 1.
 */
export function averagePerformanceGapRecovered(input: ApgrInput): number {
  const { hull, cheapest, premium } = input;
  const span = premium.cost - cheapest.cost;
  const gap = premium.quality - cheapest.quality;
  if (!(span > 0) || gap === 0) return Number.NaN;
  const pgr = (cost: number) => {
    const quality = qualityAtCost(hull, cost);
    return quality === undefined ? 0 : (quality - cheapest.quality) / gap;
  };
  // H is piecewise linear, so the trapezoid rule over its breakpoints (plus the entry point) is exact.
  const first = hull[0];
  const breakpoints = new Set<number>([cheapest.cost, premium.cost]);
  for (const point of hull) if (point.cost > cheapest.cost && point.cost < premium.cost) breakpoints.add(point.cost);
  const sorted = [...breakpoints].sort((left, right) => left - right);
  let area = 0;
  for (let index = 1; index < sorted.length; index += 1) {
    const left = sorted[index - 1] as number;
    const right = sorted[index] as number;
    // The method's first point is a breakpoint, so no segment straddles the step up to it.
    if (!first || right <= first.cost) continue;
    area += ((pgr(left) + pgr(right)) / 2) * (right - left);
  }
  return area / span;
}
