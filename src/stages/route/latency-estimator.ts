/** What the router knows about each deployment's recent speed (EWMAs kept by the resilience layer). */
export interface LatencyEstimator {
  /** Expected wait for the first token in ms (EWMA of time to first token plus current queue wait), if observed. */
  expectedFirstTokenMs(deploymentId: string): number | undefined;
  /** True while a deployment's output speed is below its configured floor (demoted until it recovers). */
  isDemoted(deploymentId: string): boolean;
}

/** Nothing observed yet. */
export const noLatencyData: LatencyEstimator = {
  expectedFirstTokenMs: () => undefined,
  isDemoted: () => false,
};
