// Test support (not a fixture payload): replays recorded payloads through an injected transport.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HttpRequest, HttpResponse, HttpTransport } from '../../../http/http-transport.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Reads a fixture file of this folder as text. */
export function readFixture(name: string): string {
  return readFileSync(join(here, name), 'utf8');
}

/** A recorded error: status, headers and body (JSON, or text for non-JSON bodies). */
export interface RecordedError {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Reads an `error-*.json` fixture. */
export function readErrorFixture(name: string): RecordedError {
  return JSON.parse(readFixture(name)) as RecordedError;
}

/** One canned answer. */
export interface ReplayResponse {
  status?: number;
  headers?: Record<string, string>;
  /** The body text; sent in small pieces so that parsers meet split events and split UTF-8. */
  body: string;
  /** Bytes per piece (default 7). */
  pieceSize?: number;
}

async function* pieces(text: string, size: number): AsyncIterable<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, offset + size);
    await Promise.resolve();
  }
}

/** A transport that records every request and answers with the given responses in turn. */
export function createReplayTransport(...responses: ReplayResponse[]): { transport: HttpTransport; requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    requests.push(request);
    const next = responses[Math.min(requests.length - 1, responses.length - 1)];
    if (!next) throw new Error('replay transport has no response');
    const response: HttpResponse = {
      status: next.status ?? 200,
      headers: next.headers ?? {},
      body: pieces(next.body, next.pieceSize ?? 7),
    };
    return response;
  };
  return { transport, requests };
}

/** A replay response from a recorded error fixture. */
export function errorResponse(name: string): ReplayResponse {
  const recorded = readErrorFixture(name);
  return {
    status: recorded.status,
    headers: recorded.headers,
    body: typeof recorded.body === 'string' ? recorded.body : JSON.stringify(recorded.body),
  };
}
