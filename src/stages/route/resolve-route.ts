import type { Deployment } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import type { Runtime } from '../../gateway/create-runtime.js';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import type { RouteDecision } from './route-decision.js';
import { requiredCapabilities } from './required-capabilities.js';

/** Chooses among the tiers for `model: "auto"` (the policy router plugs in here). */
export type AutoRouter = (input: {
  request: ChatRequest;
  context: RequestContext;
  runtime: Runtime;
  eligible: (deployment: Deployment) => boolean;
}) => RouteDecision;

/** The simplest auto route: the middle tier (or the only one), until a policy router is configured. */
export const defaultAutoRouter: AutoRouter = ({ runtime, eligible }) => {
  const tiers = [...runtime.tiers.values()];
  const chosen = runtime.tiers.get('balanced') ?? tiers[Math.floor(tiers.length / 2)];
  if (!chosen) throw new GatewayError({ code: 'no_route', message: 'No tiers are configured for model "auto".' });
  return {
    rule: 'tier',
    reason: `auto: default tier ${chosen.name}`,
    tier: chosen.name,
    candidates: chosen.deployments.filter(eligible),
  };
};

/**
 * The route stage: residency first, then the model the client named (a concrete model, an alias, a
 * tier, or `auto`). Candidates lacking a needed capability are removed, never tried.
 */
export function resolveRoute(options: {
  request: ChatRequest;
  context: RequestContext;
  runtime: Runtime;
  autoRouter: AutoRouter;
}): RouteDecision {
  const { request, context, runtime } = options;
  const needed = requiredCapabilities(request);
  const localOnly = context.directives.dataResidency === 'local';
  const eligible = (deployment: Deployment): boolean =>
    (!localOnly || deployment.residencyAllowed) &&
    needed.every((capability) => deployment.capabilities.has(capability));

  const decision = pickCandidates({ ...options, eligible });
  if (decision.candidates.length > 0) {
    return localOnly ? { ...decision, rule: 'residency', reason: `residency local; ${decision.reason}` } : decision;
  }
  const missing = needed.length > 0 ? ` with ${needed.join(', ')}` : '';
  throw new GatewayError({
    code: localOnly ? 'no_route' : 'invalid_request',
    param: localOnly ? undefined : 'model',
    message: localOnly
      ? `No local endpoint${missing} can serve "${request.model}" (x-tollgate-data-residency: local).`
      : `No deployment of "${request.model}" supports what this request needs${missing}.`,
  });
}

function pickCandidates(options: {
  request: ChatRequest;
  context: RequestContext;
  runtime: Runtime;
  autoRouter: AutoRouter;
  eligible: (deployment: Deployment) => boolean;
}): RouteDecision {
  const { request, runtime, eligible } = options;
  const name = request.model;
  if (name === 'auto') return options.autoRouter(options);
  const tier = runtime.tiers.get(name);
  if (tier) {
    return { rule: 'tier', reason: `tier ${name}`, tier: name, candidates: tier.deployments.filter(eligible) };
  }
  const alias = runtime.aliases.get(name);
  if (alias) {
    return { rule: 'alias', reason: `alias ${name}`, tier: undefined, candidates: alias.deployments.filter(eligible) };
  }
  const exact = runtime.deployments.get(name);
  const sameName = exact ? [exact] : runtime.byModelName.get(name);
  if (sameName) {
    return { rule: 'explicit', reason: `model ${name}`, tier: undefined, candidates: sameName.filter(eligible) };
  }
  const known = ['auto', ...runtime.tiers.keys(), ...runtime.aliases.keys(), ...runtime.byModelName.keys()];
  throw new GatewayError({
    code: 'model_not_found',
    param: 'model',
    message: `The model "${name}" does not exist on this gateway. Available: ${known.join(', ')}.`,
  });
}
