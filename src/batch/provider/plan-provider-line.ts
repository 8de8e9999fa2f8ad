import type { Deployment } from '../../gateway/deployment.js';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import type { RequestContext } from '../../gateway/request-context.js';
import { anthropicProtocol } from '../../protocols/anthropic/anthropic-protocol.js';
import type { ClientProtocol } from '../../protocols/client-protocol.js';
import { openAiProtocol } from '../../protocols/openai/openai-protocol.js';
import type { ChatRequest } from '../../spec/index.js';
import { resolveRoute } from '../../stages/route/resolve-route.js';
import type { RouteDecision } from '../../stages/route/route-decision.js';
import { countChatRequestTokens } from '../../tokens/count-tokens.js';
import { contextForHeaders } from '../check-budget-room.js';
import { lineHeaders, lineRequestId } from '../run-line.js';
import type { BatchJob, PendingLine } from '../store/batch-records.js';
import { batchProtocolOf, captureWireBody } from './line-adapter.js';

/** The route a provider-batch line was sent on, kept for its ledger row. */
export type PlannedRoute = Pick<RouteDecision, 'rule' | 'reason' | 'tier'>;

/** Where a line goes: through the gateway's handler, or into a provider batch for this deployment. */
export type LinePlan =
  | { lane: 'gateway' }
  | { lane: 'provider'; deployment: Deployment; route: PlannedRoute; wireBody: unknown; warnings: string[] };

/** The client protocol a batch's lines are written in. */
export function protocolOfJob(job: BatchJob): ClientProtocol {
  return job.api === 'anthropic' ? anthropicProtocol : openAiProtocol;
}

/** Endpoints whose lines may go to a provider batch (chat); embeddings run through the gateway. */
const CHAT_ENDPOINTS = new Set(['/v1/chat/completions', '/v1/messages']);

/** The line's canonical request and context, as the gateway would build them; undefined when the gateway would refuse it. */
export function parseLine(options: {
  core: GatewayCore;
  job: BatchJob;
  line: PendingLine;
}): { request: ChatRequest; context: RequestContext } | undefined {
  const { core, job, line } = options;
  const protocol = protocolOfJob(job);
  const context = contextForHeaders(core, lineHeaders(job, core.masterKey), {
    protocol,
    requestId: lineRequestId(line),
  });
  if (!context) return undefined;
  try {
    return { request: protocol.parseChatRequest(JSON.parse(line.body)), context };
  } catch {
    return undefined;
  }
}

/**
 * Decides how a line runs. It goes to a provider batch only when the gateway would send it, as is,
 * to a provider with a batch API: it parses, fits `server.max_input_tokens`, misses the answer cache
 * (a hit is served by the gateway lane at no cost), and the router's first choice is a cloud
 * deployment of an OpenAI, Anthropic or simulated provider. Anything else — a refusal, a cache hit,
 * an openai-compatible or local endpoint — runs through the gateway's handler, which reports it.
 */
export async function planProviderLine(options: {
  core: GatewayCore;
  job: BatchJob;
  line: PendingLine;
  environment: NodeJS.ProcessEnv;
}): Promise<LinePlan> {
  const { core, job } = options;
  if (!CHAT_ENDPOINTS.has(job.endpoint)) return { lane: 'gateway' };
  const parsed = parseLine(options);
  if (!parsed) return { lane: 'gateway' };
  const { request, context } = parsed;
  const maxInput = core.runtime.config.server.max_input_tokens;
  if (maxInput !== undefined && countChatRequestTokens(request) > maxInput) return { lane: 'gateway' };
  if (context.directives.cache !== 'off') {
    const lookup = await core.cache.lookup({ context, request });
    if (lookup.status === 'hit-exact' || lookup.status === 'hit-semantic') return { lane: 'gateway' };
  }
  let route: RouteDecision;
  try {
    route = resolveRoute({
      request,
      context,
      runtime: core.runtime,
      autoRouter: core.autoRouter,
      budget: await core.budgets.state(context),
      latency: core.latency,
    });
  } catch {
    return { lane: 'gateway' };
  }
  const deployment = route.candidates[0];
  if (!deployment || deployment.local || batchProtocolOf(deployment.provider) === undefined) return { lane: 'gateway' };
  const warnings: string[] = [];
  try {
    const wireBody = await captureWireBody({
      deployment,
      request,
      environment: options.environment,
      warn: (message) => warnings.push(message),
    });
    return {
      lane: 'provider',
      deployment,
      route: { rule: route.rule, reason: route.reason, tier: route.tier },
      wireBody,
      warnings,
    };
  } catch {
    return { lane: 'gateway' };
  }
}
