import type { IncomingMessage, ServerResponse } from 'node:http';
import { applyTierOutputCap } from '../budgets/apply-tier-output-cap.js';
import { CONTEXT_HEADER, createTierSummariser, manageContext } from '../budgets/manage-context.js';
import { applyPrefixCaching } from '../cache/prefix/apply-prefix-caching.js';
import { computeCounterfactualCost, estimateMaxCost } from '../pricing/compute-cost.js';
import type { ClientProtocol } from '../protocols/client-protocol.js';
import type { AnsweredEvent } from '../routing/answered-event.js';
import { runCascade } from '../routing/cascade/run-cascade.js';
import { applyTierDefaults } from '../routing/policy/apply-tier-defaults.js';
import { explainResidencyFailure } from '../routing/policy/explain-residency-failure.js';
import {
  type ChatRequest,
  type ChatResponse,
  GatewayError,
  toGatewayError,
  type Usage,
} from '../spec/index.js';
import type { AttemptLog } from '../stages/attempt/attempt-log.js';
import { type OpenedStream, openStream } from '../stages/attempt/open-stream.js';
import { runFallbackChain } from '../stages/attempt/run-fallback-chain.js';
import { authenticate } from '../stages/auth/authenticate.js';
import type { BudgetReservation } from '../stages/budget/budget-layer.js';
import type { CachedAnswer } from '../stages/cache/cache-layer.js';
import { parseDirectives } from '../stages/parse/parse-directives.js';
import { parseJsonBody, readBody } from '../stages/parse/read-body.js';
import { assignRequestId } from '../stages/request-id/assign-request-id.js';
import { responseToStreamParts, StreamAccumulator } from '../stages/respond/stream-accumulator.js';
import {
  createEventStreamWriter,
  type GatewayHeaders,
  sendError,
  sendJson,
  startEventStream,
} from '../stages/respond/write-response.js';
import { resolveRoute } from '../stages/route/resolve-route.js';
import type { RouteDecision } from '../stages/route/route-decision.js';
import { priceAttempts } from '../stages/settle/price-attempts.js';
import { settleRequest } from '../stages/settle/settle-request.js';
import type { CacheStatus, RequestOutcome } from '../stages/settle/settled-request.js';
import { countChatRequestTokens, countTextTokens } from '../tokens/count-tokens.js';
import type { Deployment } from './deployment.js';
import type { GatewayCore } from './gateway-core.js';
import type { RequestContext } from './request-context.js';

/** What the settle stage needs from however the request ended. */
interface Ending {
  request: ChatRequest | undefined;
  route: RouteDecision | undefined;
  deployment: Deployment | undefined;
  attempts: AttemptLog[];
  usage: Usage | undefined;
  error: GatewayError | undefined;
  httpStatus: number;
  ttftMs: number | undefined;
  cacheStatus: CacheStatus;
  overheadMs: number;
  /** The budget hold, settled with the actual cost. */
  reservation: BudgetReservation | undefined;
  /** For cache hits: what the original answer cost (the saving). */
  cachedAnswer: CachedAnswer | undefined;
  /** Set once the request is on record: a failure after that (a write to a closed socket) must not record it twice. */
  settledCostUsd: number | undefined;
}

function outcomeOf(ending: Ending): RequestOutcome {
  const error = ending.error;
  if (!error) return 'success';
  if (error.code === 'cancelled') return 'cancelled';
  if (error.code === 'budget_exceeded') return 'budget_rejected';
  return ending.attempts.length > 0 && error.status >= 500 ? 'upstream_error' : 'client_error';
}

/** Settles a request and returns its cost (for headers and the final stream frame). */
function settle(core: GatewayCore, context: RequestContext, ending: Ending): number {
  if (ending.settledCostUsd !== undefined) return ending.settledCostUsd;
  const priced = priceAttempts({ attempts: ending.attempts, baseline: core.runtime.baseline, usage: ending.usage });
  if (ending.cachedAnswer) {
    const baselinePrice = core.runtime.baseline?.price;
    priced.counterfactualCostUsd = baselinePrice
      ? computeCounterfactualCost({ usage: ending.cachedAnswer.response.usage, baselinePrice })
      : ending.cachedAnswer.originalCostUsd;
  }
  const reservation = ending.reservation;
  if (reservation) {
    ending.reservation = undefined;
    reservation.settle(priced.costUsd).catch((error: unknown) => {
      core.logger.error({ err: error, requestId: context.requestId }, 'budget settle failed');
    });
  }
  const last = ending.deployment ?? ending.attempts.at(-1)?.deployment;
  settleRequest(core, {
    requestId: context.requestId,
    startedAtEpochMs: context.startedAtEpochMs,
    tenant: context.directives.tenant,
    feature: context.directives.feature,
    keyId: context.keyId,
    protocol: context.protocol.name,
    requestedModel: ending.request?.model,
    route: ending.route ? { rule: ending.route.rule, reason: ending.route.reason, tier: ending.route.tier } : undefined,
    provider: last?.provider.name ?? ending.cachedAnswer?.provider,
    model: last?.upstreamModel ?? ending.cachedAnswer?.model,
    usage: ending.usage,
    costUsd: priced.costUsd,
    counterfactualCostUsd: priced.counterfactualCostUsd,
    priced: priced.priced,
    cacheStatus: ending.cacheStatus,
    latencyMs: performance.now() - context.startedAt,
    ttftMs: ending.ttftMs,
    overheadMs: ending.overheadMs,
    attempts: priced.attempts,
    stream: ending.request?.stream ?? false,
    batch: context.directives.priority === 'batch',
    outcome: outcomeOf(ending),
    errorCode: ending.error?.code,
    httpStatus: ending.httpStatus,
    warnings: context.warnings,
  });
  ending.settledCostUsd = priced.costUsd;
  return priced.costUsd;
}

function baseHeaders(context: RequestContext): GatewayHeaders {
  return { 'x-tollgate-request-id': context.requestId };
}

function answerHeaders(options: {
  context: RequestContext;
  provider: string;
  model: string;
  simulated: boolean;
  route: string;
  attempts: number;
  overheadMs: number;
  ending: Ending;
}): GatewayHeaders {
  const { context, ending } = options;
  const headers: GatewayHeaders = {
    ...baseHeaders(context),
    'x-tollgate-provider': options.provider,
    'x-tollgate-model': options.model,
    'x-tollgate-route': headerSafe(options.route),
    'x-tollgate-cache': ending.cacheStatus,
    'x-tollgate-attempts': String(options.attempts),
    'x-tollgate-overhead-ms': options.overheadMs.toFixed(2),
  };
  const remaining = ending.reservation?.remainingUsd;
  if (remaining !== undefined) headers['x-tollgate-budget-remaining-usd'] = remaining.toFixed(6);
  if (options.simulated) headers['x-tollgate-simulated'] = 'true';
  if (context.warnings.length > 0) headers['x-tollgate-warning'] = headerSafe(context.warnings.join('; '));
  return headers;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** HTTP header values are Latin-1 without controls: arrows become `->`, anything else outside ASCII `?`. */
function headerSafe(value: string): string {
  return value.replace(/→/g, '->').replace(/[^\x20-\x7e]/g, '?');
}

/** Counts usage with the tokenizer when the provider reported none (a cut or abandoned stream). */
function countedUsage(request: ChatRequest, outputText: string): Usage {
  return {
    uncachedInputTokens: countChatRequestTokens(request),
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: countTextTokens(outputText),
    reasoningTokens: 0,
    source: 'counted',
  };
}

function createContext(protocol: ClientProtocol, request: IncomingMessage): RequestContext {
  return {
    requestId: assignRequestId(request),
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    protocol,
    directives: {
      tenant: 'default',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    },
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
}

/**
 * The chat request lifecycle, for either client protocol:
 * request id → auth → parse → (budget reserve) → (cache) → route → attempt → respond → settle.
 */
export async function handleChat(options: {
  core: GatewayCore;
  protocol: ClientProtocol;
  request: IncomingMessage;
  response: ServerResponse;
}): Promise<void> {
  const { core, protocol, request: incoming, response } = options;
  const context = createContext(protocol, incoming);
  response.on('close', () => {
    if (!response.writableFinished) context.abort.abort();
  });
  const ending: Ending = {
    request: undefined,
    route: undefined,
    deployment: undefined,
    attempts: [],
    usage: undefined,
    error: undefined,
    httpStatus: 200,
    ttftMs: undefined,
    cacheStatus: 'bypass',
    overheadMs: 0,
    reservation: undefined,
    cachedAnswer: undefined,
    settledCostUsd: undefined,
  };
  let releaseBatch: (() => void) | undefined;
  try {
    const caller = authenticate({ headers: incoming.headers, masterKey: core.masterKey, keys: core.keys });
    context.keyId = caller.keyId;
    context.directives = parseDirectives(incoming.headers);
    if (caller.tenant) context.directives.tenant = caller.tenant;
    const body = await readBody(incoming, core.runtime.config.server.max_body_bytes);
    const chatRequest = protocol.parseChatRequest(parseJsonBody(body));
    ending.request = chatRequest;
    // Counting costs ~20 µs and a tokenizer in memory: only when a limit, a budget or a TPM bucket reads it.
    const inputTokens = needsTokenCount(core, context) ? countChatRequestTokens(chatRequest) : 0;
    const maxInput = core.runtime.config.server.max_input_tokens;
    if (maxInput !== undefined && inputTokens > maxInput) {
      throw new GatewayError({
        code: 'context_length_exceeded',
        param: 'messages',
        message: `The prompt has about ${inputTokens} input tokens; this gateway accepts at most ${maxInput} (server.max_input_tokens).`,
      });
    }
    const lookup = await core.cache.lookup({ context, request: chatRequest });
    ending.cacheStatus = lookup.status;
    if (lookup.status === 'hit-exact' || lookup.status === 'hit-semantic') {
      await serveCached({ core, context, request: chatRequest, answer: lookup.answer, response, ending });
      return;
    }
    const managed = await manageContext({
      request: chatRequest,
      context,
      settings: core.runtime.config.context_management,
      header: headerValue(incoming.headers[CONTEXT_HEADER]),
      summarise: createTierSummariser({ runtime: () => core.runtime }),
    });
    ending.attempts.push(...managed.attempts);
    if (context.directives.priority === 'batch' && core.admitBatch) {
      releaseBatch = await core.admitBatch({ request: incoming, context });
    }
    const budget = await core.budgets.state(context);
    const route = resolveRoute({
      request: managed.request,
      context,
      runtime: core.runtime,
      autoRouter: core.autoRouter,
      budget,
      latency: core.latency,
    });
    ending.route = route;
    const request = prepareForTier(core, context, managed.request, route);
    ending.reservation = await core.budgets.reserve({
      context,
      maxCostUsd: worstCaseCost(request, route, inputTokens),
    });
    const serve = { core, context, request, route, inputTokens, response, ending, unprepared: managed.request };
    if (request.stream) await serveStream(serve);
    else await serveJson(serve);
  } catch (thrown) {
    const error = toGatewayError(thrown);
    if (error.code === 'internal') core.logger.error({ err: thrown, requestId: context.requestId }, 'internal error');
    ending.error = error;
    ending.httpStatus = error.status;
    ending.overheadMs = performance.now() - context.startedAt - sumLatency(ending.attempts);
    if (ending.reservation && ending.attempts.length === 0) {
      const reservation = ending.reservation;
      ending.reservation = undefined;
      await reservation.release();
    }
    settle(core, context, ending);
    sendError({ response, protocol, error, headers: errorHeaders(context, ending) });
  } finally {
    releaseBatch?.();
  }
}

/** The request as the routed tier shapes it: its output cap, then its defaults (system prompt, stop, JSON mode). */
function prepareForTier(core: GatewayCore, context: RequestContext, request: ChatRequest, route: RouteDecision) {
  const tier = route.tier === undefined ? undefined : core.runtime.tiers.get(route.tier);
  return applyTierDefaults({ request: applyTierOutputCap({ request, tier, context }), tier, context });
}

/**
 * The request as one deployment should get it: provider prefix-cache breakpoints where the
 * deployment speaks Anthropic (a fallback may switch protocol, so this runs per attempt).
 */
function forDeployment(
  core: GatewayCore,
  context: RequestContext,
  request: ChatRequest,
  deployment: Deployment,
): ChatRequest {
  return applyPrefixCaching({
    request,
    protocol: deployment.adapter.protocol,
    settings: core.runtime.config.cache.prefix,
    warn: (message) => context.warnings.push(message),
  });
}

/** Whether anything on this request's path reads its input token count. */
export function needsTokenCount(core: GatewayCore, context: RequestContext): boolean {
  const config = core.runtime.config;
  return (
    config.server.max_input_tokens !== undefined ||
    config.budgets.length > 0 ||
    context.keyId !== undefined ||
    config.providers.some((provider) => provider.limits.tpm !== undefined)
  );
}

/** Default output allowance for the worst case when neither the client nor the tier sets one. */
const DEFAULT_MAX_OUTPUT_TOKENS = 4_096;

/** The most this request can cost on any of its candidates: what a budget must hold. */
function worstCaseCost(request: ChatRequest, route: RouteDecision, inputTokens: number): number {
  let worst = 0;
  for (const deployment of route.candidates) {
    if (!deployment.price) continue;
    const maxOutputTokens = request.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
    worst = Math.max(worst, estimateMaxCost({ inputTokens, maxOutputTokens, price: deployment.price }));
  }
  return worst;
}

function deploymentHeaders(deployment: Deployment, route: RouteDecision) {
  return {
    provider: deployment.provider.name,
    model: deployment.upstreamModel,
    simulated: deployment.provider.kind === 'simulated',
    route: `${route.rule}: ${route.reason}`,
  };
}

/** Hands an answered request to shadow mode and the router's learning; a failing listener is logged, never thrown. */
function notifyAnswered(core: GatewayCore, event: AnsweredEvent): void {
  for (const listener of core.answeredListeners ?? []) {
    try {
      listener(event);
    } catch (error) {
      core.logger.error({ err: error, requestId: event.context.requestId }, 'an answered-request listener failed');
    }
  }
}

function cacheable(answer: ChatResponse): boolean {
  return answer.finishReason === 'stop' || answer.finishReason === 'tool-calls';
}

/** Answers from the cache: zero provider cost, the saving on record, SSE when the client streams. */
async function serveCached(options: {
  core: GatewayCore;
  context: RequestContext;
  request: ChatRequest;
  answer: CachedAnswer;
  response: ServerResponse;
  ending: Ending;
}): Promise<void> {
  const { core, context, request, answer, response, ending } = options;
  ending.cachedAnswer = answer;
  ending.usage = {
    ...answer.response.usage,
    uncachedInputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
  };
  ending.overheadMs = performance.now() - context.startedAt;
  const headers = answerHeaders({
    context,
    provider: answer.provider,
    model: answer.model,
    simulated: false,
    route: `cache: ${ending.cacheStatus}`,
    attempts: 0,
    overheadMs: ending.overheadMs,
    ending,
  });
  headers['x-tollgate-cost-usd'] = (0).toFixed(8);
  const renderContext = {
    requestId: context.requestId,
    model: answer.model,
    createdAt: Math.floor(context.startedAtEpochMs / 1000),
    costUsd: 0,
  };
  if (!request.stream) {
    settle(core, context, ending);
    sendJson({
      response,
      status: 200,
      body: context.protocol.renderChatResponse(answer.response, renderContext),
      headers,
    });
    return;
  }
  const renderer = context.protocol.createStreamRenderer(renderContext, request);
  startEventStream(response, headers);
  const output = createEventStreamWriter(response);
  for (const part of responseToStreamParts(answer.response)) output.write(renderer.render(part));
  settle(core, context, ending);
  output.end(renderer.end({ usage: answer.response.usage, costUsd: 0 }));
}

function sumLatency(attempts: AttemptLog[]): number {
  return attempts.reduce((total, attempt) => total + attempt.latencyMs, 0);
}

function errorHeaders(context: RequestContext, ending: Ending): GatewayHeaders {
  const headers = baseHeaders(context);
  if (ending.attempts.length > 0) headers['x-tollgate-attempts'] = String(ending.attempts.length);
  const last = ending.attempts.at(-1)?.deployment;
  if (last) headers['x-tollgate-provider'] = last.provider.name;
  return headers;
}

interface ServeOptions {
  core: GatewayCore;
  context: RequestContext;
  request: ChatRequest;
  route: RouteDecision;
  inputTokens: number;
  response: ServerResponse;
  ending: Ending;
  /** The request before the tier shaped it (a cascade escalation shapes it for the next tier). */
  unprepared: ChatRequest;
}

async function serveJson(options: ServeOptions): Promise<void> {
  const { core, context, route: firstRoute, response, ending } = options;
  const beforeAttempts = performance.now();
  const cascade = await runCascade({
    runtime: core.runtime,
    route: firstRoute,
    request: options.request,
    run: (route, request) =>
      runFallbackChain<ChatResponse>({
        candidates: route.candidates,
        context,
        policy: core.retryPolicy,
        guard: core.guard,
        estimatedInputTokens: options.inputTokens,
        attempt: async (deployment, log) => {
          const answer = await deployment.adapter.chat(forDeployment(core, context, request, deployment), {
            upstreamModel: deployment.upstreamModel,
            signal: context.abort.signal,
            warn: (message) => context.warnings.push(message),
          });
          log.usage = answer.usage;
          return answer;
        },
      }),
    escalate: async (tier) => {
      const unprepared = { ...options.unprepared, model: tier };
      const route = resolveRoute({
        request: unprepared,
        context,
        runtime: core.runtime,
        autoRouter: core.autoRouter,
        budget: await core.budgets.state(context),
        latency: core.latency,
      });
      return { route, request: prepareForTier(core, context, unprepared, route) };
    },
  });
  const { result, route, request } = cascade;
  ending.route = route;
  ending.attempts = [...ending.attempts, ...cascade.attempts];
  if (!result.ok) throw explainResidencyFailure({ error: result.error, context, route });
  const afterAttempts = performance.now();
  const answer = result.value;
  ending.deployment = result.deployment;
  ending.usage = answer.usage;
  ending.overheadMs = beforeAttempts - context.startedAt + (performance.now() - afterAttempts);
  const headers = answerHeaders({
    context,
    ...deploymentHeaders(result.deployment, route),
    attempts: cascade.attempts.length,
    overheadMs: ending.overheadMs,
    ending,
  });
  const costUsd = settle(core, context, ending);
  headers['x-tollgate-cost-usd'] = costUsd.toFixed(8);
  const body = context.protocol.renderChatResponse(answer, {
    requestId: context.requestId,
    model: answer.model || result.deployment.upstreamModel,
    createdAt: Math.floor(context.startedAtEpochMs / 1000),
    costUsd,
  });
  sendJson({ response, status: 200, body, headers });
  notifyAnswered(core, {
    context,
    request: options.unprepared,
    route,
    deployment: result.deployment,
    answer,
    costUsd,
    rejected: cascade.escalations,
  });
  if (cacheable(answer)) {
    core.cache.store({
      context,
      request,
      answer: {
        response: answer,
        provider: result.deployment.provider.name,
        model: result.deployment.upstreamModel,
        originalCostUsd: costUsd,
      },
    });
  }
}

async function serveStream(options: ServeOptions): Promise<void> {
  const { core, context, request, route, response, ending } = options;
  const beforeAttempts = performance.now();
  const result = await runFallbackChain<OpenedStream>({
    candidates: route.candidates,
    context,
    policy: core.retryPolicy,
    guard: core.guard,
    estimatedInputTokens: options.inputTokens,
    attempt: (deployment, log, keep) =>
      openStream({ deployment, request: forDeployment(core, context, request, deployment), context, log, keep }),
  });
  ending.attempts = [...ending.attempts, ...result.attempts];
  if (!result.ok) throw explainResidencyFailure({ error: result.error, context, route });
  const opened = result.value;
  const deployment = result.deployment;
  const answering = result.attempts.at(-1) as AttemptLog;
  ending.deployment = deployment;
  ending.ttftMs = performance.now() - context.startedAt;
  ending.overheadMs = beforeAttempts - context.startedAt;
  const renderContext = {
    requestId: context.requestId,
    model: deployment.upstreamModel,
    createdAt: Math.floor(context.startedAtEpochMs / 1000),
  };
  const renderer = context.protocol.createStreamRenderer(renderContext, request);
  startEventStream(
    response,
    answerHeaders({
      context,
      ...deploymentHeaders(deployment, route),
      attempts: result.attempts.length,
      overheadMs: ending.overheadMs,
      ending,
    }),
  );
  const accumulator = new StreamAccumulator();
  const output = createEventStreamWriter(response);
  const streamStarted = performance.now();
  let failure: GatewayError | undefined;
  try {
    for (const part of opened.buffered) {
      accumulator.add(part);
      output.write(renderer.render(part));
    }
    for (;;) {
      // Backpressure: a client reading slower than the provider writes is waited for, not buffered.
      const drained = output.ready();
      if (drained) await drained;
      const pending = await opened.iterator.next();
      if (pending.done) break;
      const part = pending.value;
      if (part.type === 'error') {
        failure = part.error;
        break;
      }
      accumulator.add(part);
      output.write(renderer.render(part));
      if (part.type === 'finish') break;
    }
    if (!failure && accumulator.finishReason === undefined) {
      failure = new GatewayError({
        code: 'stream_cut',
        message: `The stream from ${deployment.id} ended before the provider finished the answer.`,
        endpoint: deployment.id,
      });
    }
  } catch (thrown) {
    failure = toGatewayError(thrown);
  } finally {
    opened.release();
  }
  if (context.abort.signal.aborted && !failure) {
    failure = new GatewayError({ code: 'cancelled', message: 'The client went away.' });
  }
  const usage = accumulator.usage ?? countedUsage(request, accumulator.outputText());
  answering.usage = usage;
  answering.latencyMs += performance.now() - streamStarted;
  ending.usage = usage;
  if (failure) {
    answering.error = failure;
    ending.error = failure;
    ending.httpStatus = failure.code === 'cancelled' ? 499 : 200;
    settle(core, context, ending);
    if (!response.destroyed) output.end(renderer.error(failure));
    await opened.iterator.return?.();
    return;
  }
  const costUsd = settle(core, context, ending);
  output.end(renderer.end({ usage, costUsd }));
  const answer = accumulator.toResponse(usage);
  notifyAnswered(core, {
    context,
    request: options.unprepared,
    route,
    deployment,
    answer,
    costUsd,
    rejected: [],
  });
  if (cacheable(answer)) {
    core.cache.store({
      context,
      request,
      answer: {
        response: answer,
        provider: deployment.provider.name,
        model: deployment.upstreamModel,
        originalCostUsd: costUsd,
      },
    });
  }
}
