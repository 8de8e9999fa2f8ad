import type { ProviderConfig } from '../../config/config-schema.js';
import type { Deployment } from '../../gateway/deployment.js';
import type { HttpTransport } from '../../http/http-transport.js';
import { createAnthropicAdapter } from '../../providers/anthropic/create-anthropic-adapter.js';
import { createProviderAdapter } from '../../providers/create-provider-adapter.js';
import { createOpenAiAdapter } from '../../providers/openai/create-openai-adapter.js';
import type { ProviderAdapter } from '../../providers/provider-adapter.js';
import type { ChatRequest, ChatResponse } from '../../spec/index.js';
import type { ProviderBatchResult } from './provider-batch-client.js';

/** Where the simulated provider pretends to live, as in the gateway's own adapters. */
export const SIMULATED_BASE_URL = 'http://simulated.tollgate.invalid/v1';

/** The batch API a provider has, by the wire protocol it speaks; undefined when it has none. */
export function batchProtocolOf(provider: ProviderConfig): 'openai' | 'anthropic' | undefined {
  switch (provider.kind) {
    case 'openai':
      return 'openai';
    case 'anthropic':
      return 'anthropic';
    case 'simulated':
      return provider.simulation?.protocol ?? 'openai';
    case 'openai-compatible':
      // DeepSeek, OpenRouter, Groq, vLLM, … have no OpenAI-compatible batch API to rely on.
      return undefined;
    default: {
      const unknownKind: never = provider.kind;
      throw new Error(`Unknown provider kind ${String(unknownKind)}`);
    }
  }
}

/**
 * The adapter the gateway uses for this deployment's provider, over another transport. The batch
 * lane uses it twice per line: to get the exact wire body the live call would send, and to read the
 * provider batch's answer back as the live call would (usage, JSON mode, error mapping included).
 */
function createLineAdapter(options: {
  deployment: Deployment;
  transport: HttpTransport;
  environment: NodeJS.ProcessEnv;
}): ProviderAdapter {
  const { provider } = options.deployment;
  if (provider.kind !== 'simulated') {
    return createProviderAdapter({ provider, transport: options.transport, environment: options.environment });
  }
  const endpoint = {
    name: provider.name,
    baseUrl: SIMULATED_BASE_URL,
    apiKey: 'simulated',
    headers: provider.headers,
    timeouts: {
      connectMs: provider.timeouts.connect_ms,
      firstByteMs: provider.timeouts.first_byte_ms,
      idleMs: provider.timeouts.idle_ms,
    },
  };
  const context = { endpoint, transport: options.transport };
  return batchProtocolOf(provider) === 'anthropic' ? createAnthropicAdapter(context) : createOpenAiAdapter(context);
}

/** Thrown by the capturing transport to stop the adapter once it has built its request. */
class RequestCaptured extends Error {}

/** The body the deployment's adapter would POST for this request (conversions and warnings included). */
export async function captureWireBody(options: {
  deployment: Deployment;
  request: ChatRequest;
  environment: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}): Promise<unknown> {
  let body: string | undefined;
  const transport: HttpTransport = async (request) => {
    body = request.body;
    throw new RequestCaptured('captured');
  };
  try {
    await createLineAdapter({ deployment: options.deployment, transport, environment: options.environment }).chat(
      { ...options.request, stream: false },
      { upstreamModel: options.deployment.upstreamModel, signal: new AbortController().signal, warn: options.warn },
    );
  } catch (error) {
    if (!(error instanceof RequestCaptured)) throw error;
  }
  if (body === undefined) throw new Error(`The ${options.deployment.id} adapter sent no request body.`);
  return JSON.parse(body);
}

/** Reads a provider batch's answer for one request as the live call would have (throws a GatewayError for errors). */
export function readBatchAnswer(options: {
  deployment: Deployment;
  request: ChatRequest;
  result: ProviderBatchResult;
  environment: NodeJS.ProcessEnv;
  warn: (message: string) => void;
}): Promise<ChatResponse> {
  const encoded = new TextEncoder().encode(options.result.body);
  const transport: HttpTransport = async () => ({
    status: options.result.status,
    headers: { 'content-type': 'application/json' },
    body: (async function* () {
      yield encoded;
    })(),
  });
  return createLineAdapter({ deployment: options.deployment, transport, environment: options.environment }).chat(
    { ...options.request, stream: false },
    { upstreamModel: options.deployment.upstreamModel, signal: new AbortController().signal, warn: options.warn },
  );
}
