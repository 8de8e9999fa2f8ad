import type { Deployment } from '../../gateway/deployment.js';
import type { GatewayCore } from '../../gateway/gateway-core.js';
import { computeCost, computeCounterfactualCost } from '../../pricing/compute-cost.js';
import { type ChatResponse, type GatewayError, toGatewayError, type Usage } from '../../spec/index.js';
import { settleRequest } from '../../stages/settle/settle-request.js';
import type { RequestOutcome } from '../../stages/settle/settled-request.js';
import type { BatchJob, LineResult } from '../store/batch-records.js';
import type { SubmittedLine } from '../store/submission-store.js';
import { readBatchAnswer } from './line-adapter.js';
import { type PlannedRoute, parseLine } from './plan-provider-line.js';
import type { ProviderBatchResult } from './provider-batch-client.js';

/** Options for {@link settleProviderLine}. */
export interface SettleProviderLineOptions {
  core: GatewayCore;
  job: BatchJob;
  line: SubmittedLine;
  deployment: Deployment;
  result: ProviderBatchResult;
  /** When the provider batch was submitted (the attempt's start). */
  submittedAt: number;
  environment: NodeJS.ProcessEnv;
  now: () => number;
}

function parseRoute(text: string | undefined): PlannedRoute | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PlannedRoute;
  } catch {
    return undefined;
  }
}

/**
 * Turns a provider batch's answer for one line into what a live request would have produced: the
 * adapter reads it (usage, errors), the cost is computed at batch prices (and at live prices, for the
 * saving), the budget is charged, the settle stage writes the ledger row (`batch = true`) and feeds
 * metrics, and the answer is rendered in the client's protocol and offered to the cache. Resolves
 * with the line's result, or undefined when the provider's error is worth another try through the
 * gateway lane (a ledger row records the failed try, with its tokens if any).
 */
export async function settleProviderLine(options: SettleProviderLineOptions): Promise<LineResult | undefined> {
  const { core, job, line, deployment } = options;
  const parsed = parseLine({ core, job, line });
  if (!parsed) return undefined;
  const { request, context } = parsed;
  const warnings: string[] = [];
  let answer: ChatResponse | undefined;
  let failure: GatewayError | undefined;
  try {
    answer = await readBatchAnswer({
      deployment,
      request,
      result: options.result,
      environment: options.environment,
      warn: (message) => warnings.push(message),
    });
  } catch (thrown) {
    failure = toGatewayError(thrown);
  }
  const usage: Usage | undefined = answer?.usage;
  const price = deployment.price;
  const costUsd = usage && price ? computeCost({ usage, price, batch: true }) : 0;
  const liveCostUsd = usage && price ? computeCost({ usage, price }) : 0;
  const baselinePrice = core.runtime.baseline?.price;
  const finishedAt = options.now();
  const outcome: RequestOutcome = !failure ? 'success' : failure.status >= 500 ? 'upstream_error' : 'client_error';
  context.warnings.push(...warnings);
  settleRequest(core, {
    requestId: context.requestId,
    startedAtEpochMs: options.submittedAt,
    tenant: context.directives.tenant,
    feature: context.directives.feature,
    keyId: context.keyId,
    protocol: context.protocol.name,
    requestedModel: request.model,
    route: parseRoute(line.route),
    provider: deployment.provider.name,
    model: deployment.upstreamModel,
    usage,
    costUsd,
    liveCostUsd,
    counterfactualCostUsd: usage && baselinePrice ? computeCounterfactualCost({ usage, baselinePrice }) : 0,
    priced: usage === undefined || price !== undefined,
    cacheStatus: 'miss',
    latencyMs: finishedAt - options.submittedAt,
    ttftMs: undefined,
    overheadMs: 0,
    attempts: [
      {
        deployment,
        startedAtEpochMs: options.submittedAt,
        latencyMs: finishedAt - options.submittedAt,
        ttftMs: undefined,
        error: failure,
        usage,
        costUsd,
      },
    ],
    stream: false,
    batch: true,
    outcome,
    errorCode: failure?.code,
    httpStatus: failure?.status ?? 200,
    warnings: context.warnings,
  });
  if (costUsd > 0) {
    // Spent already: the budget is charged whatever its state (a refusal here only means it is over).
    await core.budgets
      .reserve({ context, maxCostUsd: costUsd })
      .then((reservation) => reservation.settle(costUsd))
      .catch((error: unknown) =>
        core.logger.warn({ err: error, requestId: context.requestId }, 'batch spend not added to a budget'),
      );
  }
  if (failure) {
    if (failure.retryable) return undefined;
    return {
      outcome: 'errored',
      statusCode: failure.status,
      requestId: context.requestId,
      responseBody: JSON.stringify(context.protocol.renderError(failure)),
      error: undefined,
      costUsd: 0,
      liveCostUsd: 0,
      tokens: { input: 0, cached: 0, output: 0, reasoning: 0 },
    };
  }
  const response = answer as ChatResponse;
  const body = context.protocol.renderChatResponse(response, {
    requestId: context.requestId,
    model: response.model || deployment.upstreamModel,
    createdAt: Math.floor(options.submittedAt / 1000),
    costUsd,
  });
  if (response.finishReason === 'stop' || response.finishReason === 'tool-calls') {
    core.cache.store({
      context,
      request,
      answer: {
        response,
        provider: deployment.provider.name,
        model: deployment.upstreamModel,
        originalCostUsd: costUsd,
      },
    });
  }
  const input =
    response.usage.uncachedInputTokens + response.usage.cacheReadInputTokens + response.usage.cacheWriteInputTokens;
  return {
    outcome: 'succeeded',
    statusCode: 200,
    requestId: context.requestId,
    responseBody: JSON.stringify(body),
    error: undefined,
    costUsd,
    liveCostUsd,
    tokens: {
      input,
      cached: response.usage.cacheReadInputTokens,
      output: response.usage.outputTokens,
      reasoning: response.usage.reasoningTokens,
    },
  };
}
