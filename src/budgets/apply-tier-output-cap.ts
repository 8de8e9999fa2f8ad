import type { DeploymentGroup } from '../gateway/deployment.js';
import type { RequestContext } from '../gateway/request-context.js';
import type { ChatRequest } from '../spec/index.js';

/**
 * The tier's `max_output_tokens`, injected where the client asked for more or for nothing: the seeds'
 * per-model output limits, which also bound the worst case a budget must hold. Never silent: the
 * change is a warning (the `x-tollgate-warning` header and the log). Returns the request unchanged
 * when the tier sets no cap or the client asked for less.
 */
export function applyTierOutputCap(options: {
  request: ChatRequest;
  /** The routed tier (`runtime.tiers.get(route.tier)`), if the route is a tier. */
  tier: DeploymentGroup | undefined;
  context: Pick<RequestContext, 'warnings'>;
}): ChatRequest {
  const { request, tier, context } = options;
  const cap = tier?.tier?.max_output_tokens;
  if (!tier || cap === undefined) return request;
  const asked = request.maxOutputTokens;
  if (asked !== undefined && asked <= cap) return request;
  context.warnings.push(
    asked === undefined
      ? `max_tokens set to ${cap}, the output cap of tier ${tier.name} (the request gave none)`
      : `max_tokens lowered from ${asked} to ${cap}, the output cap of tier ${tier.name}`,
  );
  return { ...request, maxOutputTokens: cap };
}
