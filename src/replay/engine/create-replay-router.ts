import type { ConfigFile } from '../../config/config-schema.js';
import { ConfigError } from '../../config/load-config.js';
import { loadRouter } from '../../routing/learned/load-router.js';
import { createPolicyRouter } from '../../routing/policy/create-policy-router.js';
import type { AutoRouter } from '../../stages/route/resolve-route.js';

/**
 * The policy router a gateway builds from `routing`, on the replay's virtual clock: the cost rule
 * judges whether a prefix is still in a provider's cache by its age, which must be trace time, not
 * the few wall-clock seconds a replay takes. (`createGateway` builds its router on `Date.now`; the
 * replay puts this one in its place, `gateway.core.autoRouter`.)
 */
export async function createReplayRouter(options: { config: ConfigFile; now: () => number }): Promise<AutoRouter> {
  const routing = options.config.routing;
  if (routing.classifier !== 'learned') return createPolicyRouter({ config: routing, now: options.now });
  if (!routing.learned_model)
    throw new ConfigError('routing.learned_model: the learned classifier needs a router.json path');
  return createPolicyRouter({ config: routing, learned: await loadRouter(routing.learned_model), now: options.now });
}
