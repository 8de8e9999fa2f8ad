import type { ConfigFile } from '../config/config-schema.js';
import type { Logger } from '../logging/create-logger.js';
import { createMemorySharedState } from './memory-shared-state.js';
import { createRedisSharedState } from './redis-shared-state.js';
import type { SharedState } from './shared-state.js';

/** Redis connection errors repeat while it is down; one line per this interval is enough. */
const ERROR_LOG_INTERVAL_MS = 10_000;

/** The store `storage.shared_state` names: `memory`, or Redis at a `redis://` / `rediss://` URL. */
export function createSharedState(options: {
  storage: Pick<ConfigFile['storage'], 'shared_state' | 'shared_state_prefix'>;
  logger?: Logger;
}): SharedState {
  const { storage, logger } = options;
  if (storage.shared_state === 'memory') return createMemorySharedState();
  let lastLoggedMs = 0;
  return createRedisSharedState({
    url: storage.shared_state,
    keyPrefix: storage.shared_state_prefix,
    onError: (error) => {
      const now = Date.now();
      if (now - lastLoggedMs < ERROR_LOG_INTERVAL_MS) return;
      lastLoggedMs = now;
      logger?.error({ err: error }, 'shared state (Redis) connection error');
    },
  });
}
