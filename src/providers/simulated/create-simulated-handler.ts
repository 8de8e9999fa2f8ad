import { buildCompletion } from './build-completion.js';
import { chooseFault, FAULT_HEADER } from './choose-fault.js';
import { createPrefixCache, type PrefixCache } from './create-prefix-cache.js';
import { deliverResponse, type ResponsePlan, type SimulatedResponse } from './deliver-response.js';
import { parseOpenAiEmbeddingsRequest, renderOpenAiEmbeddings } from './openai-embeddings-wire.js';
import { parseAnthropicMessagesRequest } from './parse-anthropic-messages-request.js';
import { parseOpenAiChatRequest } from './parse-openai-chat-request.js';
import { applyBodyFault, singlePlan, streamChunks } from './plan-response.js';
import {
  renderAnthropicError,
  renderAnthropicMalformedEvent,
  renderAnthropicMessageBody,
  renderAnthropicMessageStream,
} from './render-anthropic-messages.js';
import { renderModelList } from './render-model-list.js';
import {
  renderOpenAiChatBody,
  renderOpenAiChatStream,
  renderOpenAiError,
  renderOpenAiMalformedEvent,
} from './render-openai-chat.js';
import {
  createSimulatedId,
  type SimulatedCompletion,
  type SimulatedFailure,
  SimulatedRequestError,
} from './simulated-completion.js';
import { tokenizePrompt } from './simulated-prompt.js';
import { resolveSimulatedOptions, type SimulatedProviderOptions } from './simulated-provider-options.js';

export type { SimulatedResponse } from './deliver-response.js';

/** One HTTP request to the simulated provider. */
export interface SimulatedRequest {
  method: string;
  /** Path, possibly under a base path (`/openai/v1/chat/completions` works), possibly with a query. */
  path: string;
  /** Request headers (lower-case names). */
  headers: Record<string, string | undefined>;
  body?: string;
  /** Aborts the request (a `cancelled` GatewayError). */
  signal?: AbortSignal;
  /** Fail with `upstream_timeout` when the first byte would come later than this. */
  firstByteTimeoutMs?: number;
  /** Fail with `upstream_timeout` when a pause mid-body would be longer than this. */
  idleTimeoutMs?: number;
}

/** The simulated upstream API: OpenAI Chat Completions, embeddings and models, and Anthropic Messages. */
export interface SimulatedHandler {
  /**
   * Serves one request. Resolves with the response once its first byte is due; rejects with a
   * GatewayError (`cancelled`, `upstream_timeout`, `upstream_connection`) when no response comes.
   */
  handle(request: SimulatedRequest): Promise<SimulatedResponse>;
  /** The provider-side prefix cache (shared by every request to this handler). */
  readonly prefixCache: PrefixCache;
}

type Route = 'chat' | 'messages' | 'count_tokens' | 'embeddings' | 'models';
type Protocol = 'openai' | 'anthropic';

const ROUTES: { suffix: string; route: Route; method: string }[] = [
  { suffix: '/chat/completions', route: 'chat', method: 'POST' },
  { suffix: '/messages/count_tokens', route: 'count_tokens', method: 'POST' },
  { suffix: '/messages', route: 'messages', method: 'POST' },
  { suffix: '/embeddings', route: 'embeddings', method: 'POST' },
  { suffix: '/models', route: 'models', method: 'GET' },
];

/**
 * Creates the simulated provider: a fake upstream that speaks the real OpenAI and Anthropic wire
 * protocols (bodies, SSE event sequences, error shapes, usage with prefix-cache accounting), with
 * realistic timing on an injectable clock and injectable faults, so the real adapters run end to end.
 */
export function createSimulatedHandler(options: SimulatedProviderOptions = {}): SimulatedHandler {
  const settings = resolveSimulatedOptions(options);
  const prefixCache = createPrefixCache({ maxEntries: settings.prefixCacheEntries });
  let sequence = 0;

  const renderError = (protocol: Protocol, failure: SimulatedFailure, requestId: string): ResponsePlan =>
    singlePlan(protocol === 'anthropic' ? renderAnthropicError(failure, requestId) : renderOpenAiError(failure));

  const successHeaders = (input: { protocol: Protocol; requestId: string; stream: boolean; processingMs: number }) => {
    const headers: Record<string, string> = {
      'content-type': input.stream ? 'text/event-stream; charset=utf-8' : 'application/json',
      'x-simulated-provider': 'tollgate',
    };
    if (input.stream) headers['cache-control'] = 'no-cache';
    if (input.protocol === 'anthropic') headers['request-id'] = input.requestId;
    else {
      headers['x-request-id'] = input.requestId;
      headers['openai-processing-ms'] = String(Math.round(input.processingMs));
    }
    return headers;
  };

  const generationMs = (outputTokens: number): number =>
    Number.isFinite(settings.tokensPerSecond) ? (outputTokens / settings.tokensPerSecond) * 1000 : 0;

  const completionPlan = (input: {
    protocol: Protocol;
    completion: SimulatedCompletion;
    stream: boolean;
    includeUsage: boolean;
    requestId: string;
  }): ResponsePlan => {
    const { protocol, completion, stream, requestId } = input;
    const totalMs = generationMs(completion.usage.outputTokens);
    const headers = successHeaders({ protocol, requestId, stream, processingMs: settings.ttftMs + totalMs });
    if (!stream) {
      const body = protocol === 'anthropic' ? renderAnthropicMessageBody(completion) : renderOpenAiChatBody(completion);
      return singlePlan({ status: 200, headers, body, delayMs: settings.ttftMs + totalMs });
    }
    const script =
      protocol === 'anthropic'
        ? renderAnthropicMessageStream(completion)
        : renderOpenAiChatStream(completion, { includeUsage: input.includeUsage });
    const pauseMs = totalMs / Math.max(1, script.pieces.length);
    return { status: 200, headers, firstByteDelayMs: settings.ttftMs, chunks: streamChunks(script, pauseMs) };
  };

  const checkModel = (model: string): void => {
    if (settings.rejectUnknownModels && !settings.models.includes(model)) {
      throw new SimulatedRequestError({
        kind: 'model_not_found',
        param: 'model',
        message: `The model \`${model}\` does not exist or you do not have access to it.`,
      });
    }
  };

  const plan = (request: SimulatedRequest, requestNumber: number): ResponsePlan => {
    const pathname = (request.path.split('?')[0] ?? '').replace(/\/+$/, '');
    const match = ROUTES.find((candidate) => pathname.endsWith(candidate.suffix));
    const anthropicCaller = request.headers['anthropic-version'] !== undefined;
    const anthropicRoute = match?.route === 'messages' || match?.route === 'count_tokens';
    const sharedRoute = match === undefined || match.route === 'models';
    const protocol: Protocol = anthropicRoute || (sharedRoute && anthropicCaller) ? 'anthropic' : 'openai';
    const requestId = createSimulatedId({
      prefix: protocol === 'anthropic' ? 'req_011C' : 'req_',
      length: protocol === 'anthropic' ? 22 : 32,
      seed: requestNumber * 2654435761,
    });
    try {
      if (!match) {
        throw new SimulatedRequestError({
          kind: 'not_found',
          message: `Invalid URL (${request.method} ${pathname || '/'})`,
        });
      }
      if (request.method.toUpperCase() !== match.method) {
        throw new SimulatedRequestError({
          kind: 'method_not_allowed',
          message: `Invalid method for URL (${request.method} ${pathname}): use ${match.method}.`,
        });
      }
      if (settings.apiKey !== undefined) {
        const bearer = request.headers.authorization?.replace(/^Bearer\s+/i, '');
        if (bearer !== settings.apiKey && request.headers['x-api-key'] !== settings.apiKey) {
          throw new SimulatedRequestError({
            kind: 'authentication',
            message: protocol === 'anthropic' ? 'invalid x-api-key' : 'Incorrect API key provided.',
          });
        }
      }
      if (match.route === 'models') {
        const body = renderModelList({
          models: settings.models,
          created: Math.floor(settings.now() / 1000),
          anthropic: protocol === 'anthropic',
        });
        return singlePlan({
          status: 200,
          headers: successHeaders({ protocol, requestId, stream: false, processingMs: 0 }),
          body,
        });
      }
      if (match.route === 'count_tokens') {
        const { prompt } = parseAnthropicMessagesRequest(request.body, { countTokensOnly: true });
        return singlePlan({
          status: 200,
          headers: successHeaders({ protocol, requestId, stream: false, processingMs: 0 }),
          body: JSON.stringify({ input_tokens: tokenizePrompt(prompt).inputTokens }),
        });
      }
      const fault = chooseFault({
        faults: settings.faults,
        random: settings.random,
        header: request.headers[FAULT_HEADER],
      });
      if (fault?.kind === 'rate_limit' || fault?.kind === 'server_error' || fault?.kind === 'overloaded') {
        const message =
          fault.kind === 'rate_limit'
            ? 'Rate limit reached for requests (simulated). Please try again later.'
            : fault.kind === 'overloaded'
              ? 'Overloaded (simulated).'
              : 'The server had an error while processing your request (simulated).';
        const failure: SimulatedFailure = { kind: fault.kind, message };
        if (fault.kind === 'rate_limit') failure.retryAfterS = fault.retryAfterS ?? 1;
        return renderError(protocol, failure, requestId);
      }
      if (fault?.kind === 'timeout')
        return { status: 0, headers: {}, firstByteDelayMs: 0, chunks: [], failure: 'hang' };
      let success: ResponsePlan;
      let stream = false;
      // The text a `malformed` fault sends; rendered only when a fault may need it.
      let garbage = (): string => '';
      if (match.route === 'embeddings') {
        const parsed = parseOpenAiEmbeddingsRequest(request.body);
        checkModel(parsed.model);
        const body = renderOpenAiEmbeddings(parsed, settings.embeddingDimensions);
        const headers = successHeaders({ protocol, requestId, stream: false, processingMs: settings.ttftMs });
        success = singlePlan({ status: 200, headers, body, delayMs: settings.ttftMs });
      } else {
        const parsed =
          protocol === 'anthropic'
            ? { ...parseAnthropicMessagesRequest(request.body), includeUsage: false }
            : parseOpenAiChatRequest(request.body);
        checkModel(parsed.prompt.model);
        stream = parsed.stream;
        const completion = buildCompletion({
          protocol,
          prompt: parsed.prompt,
          options: settings,
          prefixCache,
          sequence: requestNumber,
        });
        success = completionPlan({ protocol, completion, stream, includeUsage: parsed.includeUsage, requestId });
        garbage = () =>
          protocol === 'anthropic' ? renderAnthropicMalformedEvent() : renderOpenAiMalformedEvent(completion);
      }
      if (!fault) return success;
      if (fault.kind === 'reset' && (fault.at ?? (stream ? 'during' : 'before')) === 'before') {
        return { ...success, failure: 'reset' };
      }
      return applyBodyFault({ plan: success, fault, stream, garbage: garbage() });
    } catch (error) {
      if (error instanceof SimulatedRequestError) return renderError(protocol, error.failure, requestId);
      throw error;
    }
  };

  return {
    prefixCache,
    async handle(request) {
      sequence += 1;
      const responsePlan = plan(request, sequence);
      return deliverResponse(responsePlan, {
        sleep: settings.sleep,
        signal: request.signal,
        firstByteTimeoutMs: request.firstByteTimeoutMs,
        idleTimeoutMs: request.idleTimeoutMs,
      });
    },
  };
}
