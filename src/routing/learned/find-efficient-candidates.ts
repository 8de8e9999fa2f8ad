/** Input of {@link findEfficientCandidates}. */
export interface FindEfficientCandidatesInput {
  /** Mean observed quality per candidate. */
  priors: ArrayLike<number>;
  /** Mean cost per candidate. */
  costs: ArrayLike<number>;
}

/**
 * Which candidates lie on the upper convex hull of (mean cost, mean quality), from the cheapest up to
 * the best. A candidate below the hull is beaten on average by a mix of a cheaper and a dearer one;
 * routing to it on the strength of a noisy per-prompt prediction loses more often than it wins.
 */
export function findEfficientCandidates(input: FindEfficientCandidatesInput): boolean[] {
  const count = input.priors.length;
  const order = Array.from({ length: count }, (_, index) => index).sort(
    (left, right) =>
      (input.costs[left] as number) - (input.costs[right] as number) ||
      (input.priors[right] as number) - (input.priors[left] as number),
  );
  const hull: number[] = [];
  for (const index of order) {
    const cost = input.costs[index] as number;
    const quality = input.priors[index] as number;
    const last = hull[hull.length - 1];
    if (last !== undefined && (input.costs[last] as number) === cost) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2] as number;
      const b = hull[hull.length - 1] as number;
      const ax = input.costs[a] as number;
      const ay = input.priors[a] as number;
      const cross =
        ((input.costs[b] as number) - ax) * (quality - ay) - ((input.priors[b] as number) - ay) * (cost - ax);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(index);
  }
  // Keep the rising part only: past the best candidate, dearer ones are simply worse.
  let best = 0;
  hull.forEach((index, position) => {
    if ((input.priors[index] as number) > (input.priors[hull[best] as number] as number)) best = position;
  });
  const efficient = new Array<boolean>(count).fill(false);
  for (const index of hull.slice(0, best + 1)) efficient[index] = true;
  return efficient;
}
