import type { Deployment } from '../../gateway/deployment.js';

/** Which rule of the fixed routing order decided. */
export type RouteRule = 'residency' | 'explicit' | 'alias' | 'tier' | 'latency' | 'budget' | 'complexity' | 'cost';

/** The route chosen for a request, with the reason a human can read. */
export interface RouteDecision {
  /** The deciding rule. */
  rule: RouteRule;
  /** Why, in a few words (sent as `x-tollgate-route`). */
  reason: string;
  /** The tier chosen, when the route is a tier. */
  tier: string | undefined;
  /** Deployments to try, in order (the fallback chain). */
  candidates: Deployment[];
}
