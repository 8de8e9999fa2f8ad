import type { RequestContext } from '../../gateway/request-context.js';
import { GatewayError } from '../../spec/index.js';
import type { RouteDecision } from '../../stages/route/route-decision.js';

/**
 * When `x-tollgate-data-residency: local` traffic found every local endpoint failing, the error says
 * so (`no_route`, 503) instead of showing one endpoint's failure: the gateway did not fall back to the
 * cloud, and the client should know why. Other errors pass through unchanged.
 */
export function explainResidencyFailure(options: {
  error: GatewayError;
  context: Pick<RequestContext, 'directives'>;
  route: RouteDecision;
}): GatewayError {
  const { error, context, route } = options;
  if (context.directives.dataResidency !== 'local' || error.code === 'cancelled' || error.status < 500) return error;
  const endpoints = route.candidates.map((deployment) => deployment.id).join(', ');
  return new GatewayError({
    code: 'no_route',
    message: `No local endpoint is up for this request (x-tollgate-data-residency: local; tried ${endpoints}): ${error.message}`,
    cause: error,
  });
}
