import type { Runtime } from '../../gateway/create-runtime.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { createContextFit } from '../../routing/policy/create-context-fit.js';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import type { BudgetState } from '../budget/budget-layer.js';
import type { LatencyEstimator } from './latency-estimator.js';
import { requiredCapabilities } from './required-capabilities.js';
import type { RouteDecision } from './route-decision.js';

/** Chooses among the tiers for `model: "auto"` (the policy router plugs in here). */
export type AutoRouter = (input: AutoRouterInput) => RouteDecision;

/** What the auto router sees: the request, and what earlier rules left. */
export interface AutoRouterInput {
  request: ChatRequest;
  context: RequestContext;
  runtime: Runtime;
  /** Residency and capability filter (rule 1 and capability tags). */
  eligible: (deployment: Deployment) => boolean;
  /** The tightest budget's state (rule 4). */
  budget: BudgetState;
  /** Observed latency per deployment (rule 3). */
  latency: LatencyEstimator;
}

/**
 * The route stage: residency first, then the model the client named (a concrete model, an alias, a
 * tier, or `auto`). Candidates lacking a needed capability, or whose context window the prompt (plus
 * the requested output) does not fit, are removed, never tried.
 */
export function resolveRoute(options: {
  request: ChatRequest;
  context: RequestContext;
  runtime: Runtime;
  autoRouter: AutoRouter;
  budget: BudgetState;
  latency: LatencyEstimator;
}): RouteDecision {
  const { request, context, runtime } = options;
  const needed = requiredCapabilities(request);
  const localOnly = context.directives.dataResidency === 'local';
  const fits = createContextFit(request);
  const eligible = (deployment: Deployment): boolean =>
    (!localOnly || deployment.residencyAllowed) &&
    needed.every((capability) => deployment.capabilities.has(capability)) &&
    fits(deployment);

  const decision = pickCandidates({ ...options, eligible });
  if (decision.candidates.length > 0) {
    return localOnly ? { ...decision, rule: 'residency', reason: `residency local; ${decision.reason}` } : decision;
  }
  const tooLong = fits.tooLong();
  if (tooLong) throw tooLong;
  const missing = needed.length > 0 ? ` with ${needed.join(', ')}` : '';
  throw new GatewayError({
    code: localOnly ? 'no_route' : 'invalid_request',
    param: localOnly ? undefined : 'model',
    message: localOnly
      ? `No local endpoint${missing} can serve "${request.model}" (x-tollgate-data-residency: local).`
      : `No deployment of "${request.model}" supports what this request needs${missing}.`,
  });
}

function pickCandidates(options: AutoRouterInput & { autoRouter: AutoRouter }): RouteDecision {
  const { request, runtime, eligible } = options;
  const name = request.model;
  if (name === 'auto') return options.autoRouter(options);
  const tier = runtime.tiers.get(name);
  const cheapest = [...runtime.tiers.values()][0];
  if (tier && options.budget.level === 'throttle' && cheapest && cheapest !== tier) {
    // Past throttle_at only the cheapest tier serves, even when a dearer tier was named.
    return {
      rule: 'budget',
      reason: `budget ${options.budget.budget} at ${(options.budget.utilisation * 100).toFixed(0)}% (throttle): tier ${cheapest.name} instead of ${name}`,
      tier: cheapest.name,
      candidates: cheapest.deployments.filter(eligible),
    };
  }
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
