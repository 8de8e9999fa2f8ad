import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An attribute value as OTLP/JSON carries it, decoded. */
export type AttributeValue = string | number | boolean | AttributeValue[] | undefined;

/** One span as a collector received it. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP span kind: 2 server, 3 client. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string | undefined };
  /** The resource's attributes (service.name, ...). */
  resource: Record<string, AttributeValue>;
}

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}

interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: OtlpKeyValue[];
  status?: { code?: number; message?: string };
}

interface OtlpTraceRequest {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { spans?: OtlpSpan[] }[];
  }[];
}

function decodeValue(value: OtlpAnyValue): AttributeValue {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

function decodeAttributes(list: OtlpKeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((item) => [item.key, decodeValue(item.value)]));
}

/** Nanoseconds since the epoch (a decimal string in OTLP/JSON) to milliseconds. */
function toMs(nanos: string | number): number {
  return Number(BigInt(nanos) / 1_000_000n);
}

/** Decodes an OTLP/HTTP JSON trace export into flat spans. */
export function decodeOtlpTraces(body: OtlpTraceRequest): ReceivedSpan[] {
  return (body.resourceSpans ?? []).flatMap((resourceSpans) => {
    const resource = decodeAttributes(resourceSpans.resource?.attributes);
    return (resourceSpans.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId || undefined,
        name: span.name,
        kind: span.kind,
        startMs: toMs(span.startTimeUnixNano),
        endMs: toMs(span.endTimeUnixNano),
        attributes: decodeAttributes(span.attributes),
        status: { code: span.status?.code ?? 0, message: span.status?.message || undefined },
        resource,
      })),
    );
  });
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

/** A local OTLP/HTTP collector for tests: `POST /v1/traces` with JSON bodies, on 127.0.0.1. */
export interface OtlpReceiver {
  /** The traces URL, e.g. `http://127.0.0.1:54321/v1/traces`. */
  url: string;
  /** Spans received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Raw export requests: path, content type and body text (for grepping). */
  requests: { path: string; contentType: string | undefined; body: string }[];
  /** Resolves when at least `count` spans arrived; rejects after `timeoutMs`. */
  waitForSpans(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Starts a receiver; with `status` other than 200 it refuses every export (a collector in trouble). */
export async function startOtlpReceiver(options: { status?: number } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const status = options.status ?? 200;
  const server = createServer((request, response) => {
    readBody(request).then(
      (body) => {
        const text = body.toString('utf8');
        requests.push({ path: request.url ?? '', contentType: request.headers['content-type'], body: text });
        if (status === 200 && request.method === 'POST' && request.url === '/v1/traces') {
          spans.push(...decodeOtlpTraces(JSON.parse(text) as OtlpTraceRequest));
        }
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end('{}');
      },
      () => {
        response.writeHead(400);
        response.end();
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`;
  return {
    url,
    spans,
    requests,
    async waitForSpans(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (spans.length < count) {
        if (Date.now() > deadline) throw new Error(`the collector got ${spans.length} spans, not ${count}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
