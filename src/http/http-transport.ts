/** Separate time limits for the three phases of an upstream call. */
export interface Timeouts {
  /** Time to open the TCP/TLS connection. */
  connectMs: number;
  /** Time from sending the request to receiving the response headers (first byte). */
  firstByteMs: number;
  /** Longest silence allowed between two chunks of the body. */
  idleMs: number;
}

/** One upstream HTTP request. */
export interface HttpRequest {
  /** Absolute URL. */
  url: string;
  /** HTTP method. */
  method: 'GET' | 'POST';
  /** Request headers (lower-case names). */
  headers: Record<string, string>;
  /** Request body, already serialised. */
  body?: string;
  /** Aborts the call, e.g. when the client goes away. */
  signal?: AbortSignal;
  /** Time limits. */
  timeouts: Timeouts;
}

/** One upstream HTTP response; the body is consumed once, as a stream. */
export interface HttpResponse {
  /** HTTP status. */
  status: number;
  /** Response headers (lower-case names). */
  headers: Record<string, string | undefined>;
  /** The body as it arrives. Iteration throws a GatewayError on idle timeout, reset or abort. */
  body: AsyncIterable<Uint8Array>;
}

/**
 * How adapters reach providers. The production transport is undici with keep-alive pools; tests and
 * the simulated provider inject their own. Throws a GatewayError (`upstream_timeout`,
 * `upstream_connection`, `cancelled`) when no response arrives.
 */
export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;

/** Reads a whole body as UTF-8 text. */
export async function readBodyText(body: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
