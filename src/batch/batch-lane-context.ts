import type { BatchConfig } from '../config/config-schema.js';
import type { GatewayCore } from '../gateway/gateway-core.js';
import type { Logger } from '../logging/create-logger.js';
import { GatewayError } from '../spec/index.js';
import type { BatchRunner } from './batch-runner.js';
import type { BatchStore } from './store/batch-store.js';

/** What the lane's route handlers share. */
export interface BatchLaneContext {
  /** The gateway's request-path state (auth, config, budgets). */
  core: GatewayCore;
  store: BatchStore;
  runner: BatchRunner;
  /** The current `batch:` section. */
  config: () => BatchConfig;
  logger: Logger;
  now: () => number;
}

/** The lane's routes answer 404 while `batch.enabled` is false. */
export function assertEnabled(lane: BatchLaneContext): void {
  if (!lane.config().enabled) {
    throw new GatewayError({
      code: 'not_found',
      message: 'Batches are turned off on this gateway (batch.enabled: false).',
    });
  }
}

/** A batch's time to finish, as the APIs state it. */
export const COMPLETION_WINDOW_MS = 24 * 60 * 60 * 1000;
