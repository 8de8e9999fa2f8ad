import { randomUUID } from 'node:crypto';
import { applyTierOutputCap } from '../../budgets/apply-tier-output-cap.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { estimateMaxCost } from '../../pricing/compute-cost.js';
import { type ChatRequest, type ChatResponse, type GatewayError, toGatewayError } from '../../spec/index.js';
import type { AttemptLog } from '../../stages/attempt/attempt-log.js';
import { runFallbackChain } from '../../stages/attempt/run-fallback-chain.js';
import { resolveRoute } from '../../stages/route/resolve-route.js';
import type { RouteDecision } from '../../stages/route/route-decision.js';
import { priceAttempts } from '../../stages/settle/price-attempts.js';
import { settleRequest } from '../../stages/settle/settle-request.js';
import { countChatRequestTokens } from '../../tokens/count-tokens.js';
import { applyTierDefaults } from '../policy/apply-tier-defaults.js';

/** Output allowance of a side request's budget hold when neither request nor tier caps it. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

/** What a side request (a shadow run, a judge call) produced. */
export interface SideResult {
  /** Its own request id on the ledger. */
  requestId: string;
  route: RouteDecision;
  /** The answer, or undefined when every attempt failed. */
  answer: ChatResponse | undefined;
  deployment: Deployment | undefined;
  costUsd: number;
  error: GatewayError | undefined;
}

/**
 * One non-streamed request the gateway makes on its own account beside a client's request (shadow
 * mode, LLM-as-judge): routed like a client request with the parent's tenant, feature and directives,
 * held against and settled to the same budgets, run through the same limits and breakers, and recorded
 * on the ledger with `shadowOf` = the parent's id. Skipped (undefined) when a budget is past
 * `fallback_at` (spend on experiments stops first) or no route can take it; never throws.
 */
export async function runSideRequest(options: {
  core: GatewayCore;
  parent: RequestContext;
  request: ChatRequest;
}): Promise<SideResult | undefined> {
  const { core, parent } = options;
  const context: RequestContext = {
    ...parent,
    requestId: randomUUID(),
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
  const budget = await core.budgets.state(context);
  if (budget.level !== 'ok') return undefined;
  let route: RouteDecision;
  try {
    route = resolveRoute({
      request: options.request,
      context,
      runtime: core.runtime,
      autoRouter: core.autoRouter,
      budget,
      latency: core.latency,
    });
  } catch {
    return undefined;
  }
  const tier = route.tier === undefined ? undefined : core.runtime.tiers.get(route.tier);
  const request = applyTierDefaults({
    request: applyTierOutputCap({ request: options.request, tier, context }),
    tier,
    context,
  });
  const inputTokens = countChatRequestTokens(request);
  const worst = Math.max(
    0,
    ...route.candidates.map((deployment) =>
      deployment.price
        ? estimateMaxCost({
            inputTokens,
            maxOutputTokens: request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS,
            price: deployment.price,
          })
        : 0,
    ),
  );
  let attempts: AttemptLog[] = [];
  let answer: ChatResponse | undefined;
  let deployment: Deployment | undefined;
  let error: GatewayError | undefined;
  const reservation = await core.budgets.reserve({ context, maxCostUsd: worst }).catch(() => undefined);
  if (!reservation) return undefined;
  try {
    const result = await runFallbackChain<ChatResponse>({
      candidates: route.candidates,
      context,
      policy: core.retryPolicy,
      guard: core.guard,
      estimatedInputTokens: inputTokens,
      attempt: async (candidate, log) => {
        const value = await candidate.adapter.chat(request, {
          upstreamModel: candidate.upstreamModel,
          signal: context.abort.signal,
          warn: (message) => context.warnings.push(message),
        });
        log.usage = value.usage;
        return value;
      },
    });
    attempts = result.attempts;
    if (result.ok) {
      answer = result.value;
      deployment = result.deployment;
    } else {
      error = result.error;
    }
  } catch (thrown) {
    error = toGatewayError(thrown);
  }
  const priced = priceAttempts({ attempts, baseline: core.runtime.baseline, usage: answer?.usage });
  await reservation.settle(priced.costUsd).catch(() => undefined);
  const last = deployment ?? attempts.at(-1)?.deployment;
  settleRequest(core, {
    requestId: context.requestId,
    startedAtEpochMs: context.startedAtEpochMs,
    tenant: context.directives.tenant,
    feature: context.directives.feature,
    keyId: context.keyId,
    protocol: context.protocol.name,
    requestedModel: request.model,
    route: { rule: route.rule, reason: `shadow of ${parent.requestId}: ${route.reason}`, tier: route.tier },
    provider: last?.provider.name,
    model: last?.upstreamModel,
    usage: answer?.usage,
    costUsd: priced.costUsd,
    // The baseline world never runs side requests.
    counterfactualCostUsd: 0,
    priced: priced.priced,
    cacheStatus: 'bypass',
    latencyMs: performance.now() - context.startedAt,
    ttftMs: undefined,
    overheadMs: 0,
    attempts: priced.attempts,
    stream: false,
    batch: context.directives.priority === 'batch',
    outcome: answer ? 'success' : 'upstream_error',
    errorCode: error?.code,
    httpStatus: answer ? 200 : (error?.status ?? 502),
    warnings: context.warnings,
    shadowOf: parent.requestId,
  });
  return { requestId: context.requestId, route, answer, deployment, costUsd: priced.costUsd, error };
}
