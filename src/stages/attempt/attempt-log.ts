import type { Deployment } from '../../gateway/deployment.js';
import type { GatewayError, Usage } from '../../spec/index.js';

/** One call to one deployment, kept for the ledger and the response headers. */
export interface AttemptLog {
  /** The deployment called. */
  deployment: Deployment;
  /** Wall-clock ms when the attempt began. */
  startedAtEpochMs: number;
  /** How long the attempt took. */
  latencyMs: number;
  /** Time to the first stream part, for streams. */
  ttftMs: number | undefined;
  /** Why it failed, if it did. */
  error: GatewayError | undefined;
  /** Usage this attempt incurred (a failed stream may still have produced tokens). */
  usage: Usage | undefined;
}
