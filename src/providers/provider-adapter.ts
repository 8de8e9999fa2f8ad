import type { HttpTransport, Timeouts } from '../http/http-transport.js';
import type {
  ChatRequest,
  ChatResponse,
  EmbeddingRequest,
  EmbeddingResponse,
  StreamPart,
} from '../spec/index.js';

/** Where and how to reach one provider endpoint. Built from config; secrets come from the environment. */
export interface EndpointSettings {
  /** The provider's configured name (e.g. `openai`, `deepseek`, `local`). */
  name: string;
  /** Base URL including the version path (e.g. `https://api.openai.com/v1`). */
  baseUrl: string;
  /** API key, read from the environment variable the config names. Never logged. */
  apiKey: string | undefined;
  /** Extra headers sent with every request. */
  headers: Record<string, string>;
  /** Time limits for connect, first byte and idle. */
  timeouts: Timeouts;
}

/** Per-call inputs an adapter needs besides the request. */
export interface CallOptions {
  /** The model name the provider knows. */
  upstreamModel: string;
  /** Aborted when the client goes away or a timeout fires. */
  signal: AbortSignal;
  /**
   * Reports a parameter the provider cannot honour and that was dropped or changed; the gateway
   * turns it into an `x-tollgate-warning` header and a log line (no silent mutation).
   */
  warn(message: string): void;
}

/**
 * One provider API, as a few small pure conversions wired to the shared transport. Errors before
 * the first stream part are thrown as GatewayError (so a fallback can run); errors after it arrive as
 * an `error` part.
 */
export interface ProviderAdapter {
  /** The wire protocol this adapter speaks. */
  readonly protocol: 'openai' | 'anthropic';
  /** Sends a request and waits for the whole answer. */
  chat(request: ChatRequest, options: CallOptions): Promise<ChatResponse>;
  /** Sends a streaming request; resolves once the provider has accepted it (status 200). */
  stream(request: ChatRequest, options: CallOptions): Promise<AsyncIterable<StreamPart>>;
  /** Embeddings, where the provider has them. */
  embed?(request: EmbeddingRequest, options: CallOptions): Promise<EmbeddingResponse>;
}

/** What every adapter factory takes. */
export interface AdapterContext {
  /** Endpoint settings. */
  endpoint: EndpointSettings;
  /** The shared HTTP client (or a test's). */
  transport: HttpTransport;
}
