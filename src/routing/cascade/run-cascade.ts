import type { Runtime } from '../../gateway/create-runtime.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { ChatRequest, ChatResponse, Usage } from '../../spec/index.js';
import type { AttemptLog } from '../../stages/attempt/attempt-log.js';
import type { FallbackResult } from '../../stages/attempt/run-fallback-chain.js';
import type { RouteDecision } from '../../stages/route/route-decision.js';
import { type AnswerFailure, checkAnswer } from './check-answer.js';

/** Most escalations one request may make (a chain fast → balanced → premium is two). */
const MAX_ESCALATIONS = 3;

/** Input of {@link runCascade}. */
export interface RunCascadeInput {
  runtime: Runtime;
  /** The route and the request as prepared for its tier. */
  route: RouteDecision;
  request: ChatRequest;
  /** Runs one route's fallback chain. */
  run: (route: RouteDecision, request: ChatRequest) => Promise<FallbackResult<ChatResponse>>;
  /**
   * The route to a tier escalated to, and the request prepared for it (output cap, tier defaults);
   * undefined when the gateway will not escalate there (no eligible deployment, a throttled budget).
   */
  escalate: (tier: string) => Promise<{ route: RouteDecision; request: ChatRequest } | undefined>;
}

/** Result of {@link runCascade}: the last chain's result, every attempt, and the route that answered. */
export interface CascadeResult {
  result: FallbackResult<ChatResponse>;
  /** Attempts of every chain run, in order (the ledger records them all). */
  attempts: AttemptLog[];
  /** The route that produced `result`, its reason extended with each escalation. */
  route: RouteDecision;
  request: ChatRequest;
  /** Each escalation made: from which tier, why, and the rejected answer's deployment and usage. */
  escalations: { from: string; to: string; failure: AnswerFailure; deployment: Deployment; usage: Usage | undefined }[];
}

/**
 * Cascade mode for non-streamed answers: runs the route; when its tier has `escalate_to` and the
 * answer fails {@link checkAnswer} (empty, truncated, a refusal, invalid JSON where JSON was asked
 * for), runs the request again on that tier, and so on up the chain. The failed answer is not
 * returned, but its attempts stay on record (and are paid for). When an escalation fails outright
 * (every deployment errored), the earlier answer is kept rather than turned into an error.
 */
export async function runCascade(input: RunCascadeInput): Promise<CascadeResult> {
  let route = input.route;
  let request = input.request;
  let result = await input.run(route, request);
  const attempts = [...result.attempts];
  const escalations: CascadeResult['escalations'] = [];
  const visited = new Set<string>(route.tier === undefined ? [] : [route.tier]);
  while (result.ok && escalations.length < MAX_ESCALATIONS && route.tier !== undefined) {
    const target = input.runtime.tiers.get(route.tier)?.tier?.escalate_to;
    if (target === undefined || visited.has(target)) break;
    const failure = checkAnswer({ request, answer: result.value });
    if (failure === undefined) break;
    let next: Awaited<ReturnType<RunCascadeInput['escalate']>>;
    try {
      next = await input.escalate(target);
    } catch (error) {
      // No eligible deployment on the target tier (residency, capabilities): the answer stands.
      const message = error instanceof Error ? error.message : String(error);
      route = {
        ...route,
        reason: `${route.reason}; cascade: ${route.tier} answer ${failure}, no route to ${target} (${message})`,
      };
      break;
    }
    if (!next || next.route.tier === route.tier) break;
    escalations.push({
      from: route.tier,
      to: next.route.tier ?? target,
      failure,
      deployment: result.deployment,
      usage: result.value.usage,
    });
    visited.add(target);
    const reason = `${route.reason}; cascade: ${route.tier} answer ${failure} → ${target}`;
    const escalated = await input.run({ ...next.route, rule: route.rule, reason }, next.request);
    attempts.push(...escalated.attempts);
    if (!escalated.ok) {
      // The escalation failed outright: the cheap tier's imperfect answer beats an error.
      route = { ...route, reason: `${reason} failed (${escalated.error.code}); kept the ${route.tier} answer` };
      break;
    }
    route = { ...next.route, rule: route.rule, reason };
    request = next.request;
    result = escalated;
  }
  return { result, attempts, route, request, escalations };
}
