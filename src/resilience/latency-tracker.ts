/** What has been observed of one deployment's speed (exponentially weighted moving averages). */
export interface DeploymentLatency {
  /** Time to first token of streamed attempts, ms. */
  ttftMs: number | undefined;
  /** Duration of successful attempts (to the first token for streams, to the whole answer otherwise), ms. */
  attemptMs: number | undefined;
  /** Output speed after the first token, tokens per second. */
  outputTokensPerSecond: number | undefined;
  /** Successful attempts observed. */
  samples: number;
  /** When output speed was last observed (epoch ms), if ever. */
  speedObservedAtMs: number | undefined;
}

const EMPTY = (): DeploymentLatency => ({
  ttftMs: undefined,
  attemptMs: undefined,
  outputTokensPerSecond: undefined,
  samples: 0,
  speedObservedAtMs: undefined,
});

/** Keeps EWMAs per deployment id; bounded by the number of configured deployments. */
export class LatencyTracker {
  private readonly entries = new Map<string, DeploymentLatency>();

  /** `alpha` is the weight of the newest observation (`resilience.latency_ewma_alpha`). */
  constructor(private readonly alpha: () => number) {}

  private entry(deploymentId: string): DeploymentLatency {
    let entry = this.entries.get(deploymentId);
    if (!entry) {
      entry = EMPTY();
      this.entries.set(deploymentId, entry);
    }
    return entry;
  }

  private average(previous: number | undefined, next: number): number {
    return previous === undefined ? next : previous + this.alpha() * (next - previous);
  }

  /** A successful attempt's timings. */
  observeAttempt(input: { deploymentId: string; latencyMs: number; ttftMs: number | undefined }): void {
    const entry = this.entry(input.deploymentId);
    entry.samples++;
    entry.attemptMs = this.average(entry.attemptMs, input.latencyMs);
    if (input.ttftMs !== undefined) entry.ttftMs = this.average(entry.ttftMs, input.ttftMs);
  }

  /** Output speed of a finished answer. */
  observeSpeed(input: { deploymentId: string; tokensPerSecond: number }): void {
    if (!(input.tokensPerSecond > 0 && Number.isFinite(input.tokensPerSecond))) return;
    const entry = this.entry(input.deploymentId);
    entry.outputTokensPerSecond = this.average(entry.outputTokensPerSecond, input.tokensPerSecond);
    entry.speedObservedAtMs = Date.now();
  }

  /** The averages for one deployment (all undefined before the first observation). */
  get(deploymentId: string): DeploymentLatency {
    const entry = this.entries.get(deploymentId);
    return entry ? { ...entry } : EMPTY();
  }

  /** Every deployment observed. */
  all(): [string, DeploymentLatency][] {
    return [...this.entries].map(([id, entry]) => [id, { ...entry }]);
  }
}
