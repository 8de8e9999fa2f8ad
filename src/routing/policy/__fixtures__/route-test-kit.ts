import { validateConfig } from '../../../config/load-config.js';
import { createRuntime, type Runtime } from '../../../gateway/create-runtime.js';
import type { RequestContext } from '../../../gateway/request-context.js';
import { openAiProtocol } from '../../../protocols/openai/openai-protocol.js';
import { createSimulatedTransport } from '../../../providers/simulated/create-simulated-transport.js';
import type { ChatRequest } from '../../../spec/index.js';
import type { BudgetState } from '../../../stages/budget/budget-layer.js';
import { type LatencyEstimator, noLatencyData } from '../../../stages/route/latency-estimator.js';
import { resolveRoute } from '../../../stages/route/resolve-route.js';
import type { RouteDecision } from '../../../stages/route/route-decision.js';
import type { LearnedRouter } from '../../learned/learned-router.js';
import { createPolicyRouter } from '../create-policy-router.js';

/** No budget pressure. */
export const NO_BUDGET: BudgetState = { level: 'ok', utilisation: 0.1, budget: undefined, remainingUsd: undefined };

/** A request context with default directives, overridable. */
export function testContext(directives: Partial<RequestContext['directives']> = {}): RequestContext {
  return {
    requestId: 'r',
    startedAt: 0,
    startedAtEpochMs: 0,
    protocol: openAiProtocol,
    directives: {
      tenant: 't',
      feature: 'f',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
      ...directives,
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

/** A runtime built from a config document (simulated transport, no environment). */
export function testRuntime(document: Record<string, unknown>): Runtime {
  const { config } = validateConfig({ document, source: 'test', environment: {} });
  return createRuntime({ config, simulated: false, transport: createSimulatedTransport({}), environment: {} });
}

/** A one-message user request. */
export function userRequest(text: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'auto', messages: [{ role: 'user', content: [{ type: 'text', text }] }], stream: false, ...extra };
}

/** Runs the route stage with the policy router, as the gateway does. */
export function routeWith(options: {
  runtime: Runtime;
  request: ChatRequest;
  directives?: Partial<RequestContext['directives']>;
  budget?: BudgetState;
  latency?: LatencyEstimator;
  learned?: LearnedRouter;
}): RouteDecision {
  const { runtime } = options;
  return resolveRoute({
    request: options.request,
    context: testContext(options.directives),
    runtime,
    autoRouter: createPolicyRouter({
      config: runtime.config.routing,
      ...(options.learned ? { learned: options.learned } : {}),
    }),
    budget: options.budget ?? NO_BUDGET,
    latency: options.latency ?? noLatencyData,
  });
}
