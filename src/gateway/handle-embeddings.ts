import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { openAiProtocol } from '../protocols/openai/openai-protocol.js';
import { type EmbeddingRequest, type EmbeddingResponse, GatewayError, toGatewayError } from '../spec/index.js';
import { runFallbackChain } from '../stages/attempt/run-fallback-chain.js';
import { authenticate } from '../stages/auth/authenticate.js';
import { parseDirectives } from '../stages/parse/parse-directives.js';
import { parseJsonBody, readBody } from '../stages/parse/read-body.js';
import { assignRequestId } from '../stages/request-id/assign-request-id.js';
import { sendError, sendJson } from '../stages/respond/write-response.js';
import { priceAttempts } from '../stages/settle/price-attempts.js';
import { settleRequest } from '../stages/settle/settle-request.js';
import type { Deployment } from './deployment.js';
import type { GatewayCore } from './gateway-core.js';
import type { RequestContext } from './request-context.js';

const embeddingBodySchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1).max(2048)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

function parseEmbeddingRequest(body: unknown): EmbeddingRequest & { encodingFormat: 'float' | 'base64' } {
  const parsed = embeddingBodySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue?.path.map(String).join('.') || undefined;
    throw new GatewayError({
      code: 'invalid_request',
      param,
      message: `Invalid embeddings request at ${param ?? 'body'}: ${issue?.message}`,
    });
  }
  const { model, input, dimensions, encoding_format } = parsed.data;
  return {
    model,
    input: typeof input === 'string' ? [input] : input,
    dimensions,
    encodingFormat: encoding_format ?? 'float',
  };
}

function embeddingCandidates(core: GatewayCore, model: string): Deployment[] {
  const runtime = core.runtime;
  const named = runtime.deployments.get(model);
  const candidates = named
    ? [named]
    : (runtime.aliases.get(model)?.deployments ?? runtime.byModelName.get(model) ?? []);
  const capable = candidates.filter(
    (deployment) => deployment.capabilities.has('embeddings') && deployment.adapter.embed,
  );
  if (capable.length > 0) return capable;
  const available = [...runtime.deployments.values()].filter((deployment) => deployment.capabilities.has('embeddings'));
  throw new GatewayError({
    code: 'model_not_found',
    param: 'model',
    message: `"${model}" is not an embeddings model on this gateway. Available: ${available.map((d) => d.model.name).join(', ') || 'none'}.`,
  });
}

function encodeVector(vector: number[], format: 'float' | 'base64'): number[] | string {
  return format === 'float' ? vector : Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** POST /v1/embeddings in the OpenAI shape, with fallbacks and the ledger like chat. */
export async function handleEmbeddings(options: {
  core: GatewayCore;
  request: IncomingMessage;
  response: ServerResponse;
}): Promise<void> {
  const { core, request, response } = options;
  const context: RequestContext = {
    requestId: assignRequestId(request),
    startedAt: performance.now(),
    startedAtEpochMs: Date.now(),
    protocol: openAiProtocol,
    directives: parseDirectivesSafely(request),
    keyId: undefined,
    warnings: [],
    abort: new AbortController(),
    upstreamMs: 0,
  };
  response.on('close', () => {
    if (!response.writableFinished) context.abort.abort();
  });
  let attempts: Parameters<typeof priceAttempts>[0]['attempts'] = [];
  let requestedModel: string | undefined;
  try {
    const caller = authenticate({ headers: request.headers, masterKey: core.masterKey, keys: core.keys });
    context.keyId = caller.keyId;
    context.directives = parseDirectives(request.headers);
    if (caller.tenant) context.directives.tenant = caller.tenant;
    const embeddingRequest = parseEmbeddingRequest(
      parseJsonBody(await readBody(request, core.runtime.config.server.max_body_bytes)),
    );
    requestedModel = embeddingRequest.model;
    const result = await runFallbackChain<EmbeddingResponse>({
      candidates: embeddingCandidates(core, embeddingRequest.model),
      context,
      policy: core.retryPolicy,
      guard: core.guard,
      estimatedInputTokens: 0,
      attempt: async (deployment, log) => {
        const answer = await (deployment.adapter.embed as NonNullable<typeof deployment.adapter.embed>)(
          embeddingRequest,
          {
            upstreamModel: deployment.upstreamModel,
            signal: context.abort.signal,
            warn: (message) => context.warnings.push(message),
          },
        );
        log.usage = {
          uncachedInputTokens: answer.inputTokens,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
          cacheWrite1hInputTokens: 0,
          outputTokens: 0,
          reasoningTokens: 0,
          source: 'reported',
        };
        return answer;
      },
    });
    attempts = result.attempts;
    if (!result.ok) throw result.error;
    const priced = priceAttempts({ attempts, baseline: undefined, usage: undefined });
    const answeringUsage = result.attempts.at(-1)?.usage;
    settleRequest(core, {
      requestId: context.requestId,
      startedAtEpochMs: context.startedAtEpochMs,
      tenant: context.directives.tenant,
      feature: context.directives.feature,
      keyId: context.keyId,
      protocol: 'openai',
      requestedModel,
      route: { rule: 'explicit', reason: `embeddings ${requestedModel}`, tier: undefined },
      provider: result.deployment.provider.name,
      model: result.deployment.upstreamModel,
      usage: answeringUsage,
      costUsd: priced.costUsd,
      counterfactualCostUsd: priced.costUsd,
      priced: priced.priced,
      cacheStatus: 'bypass',
      latencyMs: performance.now() - context.startedAt,
      ttftMs: undefined,
      overheadMs: 0,
      attempts: priced.attempts,
      stream: false,
      batch: false,
      outcome: 'success',
      errorCode: undefined,
      httpStatus: 200,
      warnings: context.warnings,
    });
    sendJson({
      response,
      status: 200,
      headers: {
        'x-tollgate-request-id': context.requestId,
        'x-tollgate-provider': result.deployment.provider.name,
        'x-tollgate-model': result.deployment.upstreamModel,
        'x-tollgate-attempts': String(attempts.length),
        'x-tollgate-cost-usd': priced.costUsd.toFixed(8),
      },
      body: {
        object: 'list',
        model: result.value.model || result.deployment.upstreamModel,
        data: result.value.embeddings.map((vector, index) => ({
          object: 'embedding',
          index,
          embedding: encodeVector(vector, embeddingRequest.encodingFormat),
        })),
        usage: {
          prompt_tokens: result.value.inputTokens,
          total_tokens: result.value.inputTokens,
          cost_usd: priced.costUsd,
        },
      },
    });
  } catch (thrown) {
    const error = toGatewayError(thrown);
    const priced = priceAttempts({ attempts, baseline: undefined, usage: undefined });
    settleRequest(core, {
      requestId: context.requestId,
      startedAtEpochMs: context.startedAtEpochMs,
      tenant: context.directives.tenant,
      feature: context.directives.feature,
      keyId: context.keyId,
      protocol: 'openai',
      requestedModel,
      route: undefined,
      provider: attempts.at(-1)?.deployment.provider.name,
      model: attempts.at(-1)?.deployment.upstreamModel,
      usage: undefined,
      costUsd: priced.costUsd,
      counterfactualCostUsd: 0,
      priced: priced.priced,
      cacheStatus: 'bypass',
      latencyMs: performance.now() - context.startedAt,
      ttftMs: undefined,
      overheadMs: 0,
      attempts: priced.attempts,
      stream: false,
      batch: false,
      outcome: error.code === 'cancelled' ? 'cancelled' : attempts.length > 0 ? 'upstream_error' : 'client_error',
      errorCode: error.code,
      httpStatus: error.status,
      warnings: context.warnings,
    });
    sendError({ response, protocol: openAiProtocol, error, headers: { 'x-tollgate-request-id': context.requestId } });
  }
}

function parseDirectivesSafely(request: IncomingMessage): RequestContext['directives'] {
  try {
    return parseDirectives(request.headers);
  } catch {
    return {
      tenant: 'default',
      feature: 'default',
      dataResidency: 'any',
      latencyBudgetMs: undefined,
      minQuality: undefined,
      cache: 'on',
      priority: 'interactive',
    };
  }
}
