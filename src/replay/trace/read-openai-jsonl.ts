import { basename } from 'node:path';
import { GatewayError } from '../../spec/index.js';
import { readTraceText } from './read-trace-text.js';
import { DEFAULT_UNTIMED_RATE, parseTraceTime, untimedArrival } from './trace-clock.js';
import type { ChatBody, Trace, TraceRequest } from './trace-request.js';

/** Keys of a trace line that describe the request rather than belong to its body. */
const TRACE_KEYS = ['timestamp', 'tenant', 'feature', 'outcomes', 'headers', 'custom_id', 'method', 'url'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(line: number, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', message: `trace line ${line}: ${message}` });
}

function stringRecord(value: unknown, line: number, field: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalid(line, `${field} must be an object`);
  const entries = Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof item !== 'string') throw invalid(line, `${field}.${key} must be a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function scores(value: unknown, line: number): Record<string, number> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalid(line, 'outcomes must be an object of tier → score (0–1)');
  const result: Record<string, number> = {};
  for (const [key, score] of Object.entries(value)) {
    if (typeof score !== 'number' || !(score >= 0 && score <= 1)) throw invalid(line, `outcomes.${key} must be 0–1`);
    result[key] = score;
  }
  return result;
}

/** Options for {@link parseOpenAiJsonl}. */
export interface ParseOpenAiJsonlOptions {
  /** Name in reports. */
  name: string;
  /** Arrivals per second for lines without `timestamp` (default 1). */
  ratePerSecond?: number;
}

/**
 * Parses an OpenAI request trace: one Chat Completions body per line, with optional `timestamp` (ISO,
 * or epoch seconds or milliseconds), `tenant`, `feature`, `headers` (more `x-tollgate-*` headers) and
 * `outcomes` (measured quality per tier, 0–1). Lines in the OpenAI Batch API input shape
 * (`{ custom_id, method, url, body }`) are read too. Blank lines are skipped; a malformed line is an
 * error naming its number. Requests are sorted by time (stably: untimed lines keep their order).
 */
export function parseOpenAiJsonl(text: string, options: ParseOpenAiJsonlOptions): Trace {
  const rate = options.ratePerSecond ?? DEFAULT_UNTIMED_RATE;
  const requests: TraceRequest[] = [];
  let timed = 0;
  const lines = text.split('\n');
  for (const [position, raw] of lines.entries()) {
    const line = position + 1;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw invalid(line, `not JSON (${(error as Error).message})`);
    }
    if (!isObject(value)) throw invalid(line, 'expected a JSON object');
    const body: ChatBody = isObject(value.body) ? { ...value.body } : { ...value };
    for (const key of TRACE_KEYS) delete body[key];
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      throw invalid(line, 'a Chat Completions body needs a non-empty "messages" array');
    }
    const index = requests.length;
    const recorded = value.timestamp === undefined ? undefined : parseTraceTime(value.timestamp);
    if (value.timestamp !== undefined && recorded === undefined) throw invalid(line, 'timestamp is not a time');
    if (recorded !== undefined) timed += 1;
    const frozen = JSON.stringify(body);
    const request: TraceRequest = {
      index,
      atMs: recorded ?? untimedArrival(index, rate),
      // Each configuration gets its own copy: the replay rewrites `model`.
      body: () => JSON.parse(frozen) as ChatBody,
    };
    if (typeof value.tenant === 'string') request.tenant = value.tenant;
    if (typeof value.feature === 'string') request.feature = value.feature;
    const headers = stringRecord(value.headers, line, 'headers');
    if (headers) request.headers = headers;
    const outcomes = scores(value.outcomes, line);
    if (outcomes) request.outcomes = outcomes;
    requests.push(request);
  }
  if (requests.length === 0)
    throw new GatewayError({ code: 'invalid_request', message: `${options.name}: no requests` });
  if (timed > 0 && timed < requests.length) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${options.name}: ${timed} of ${requests.length} lines have a timestamp; give every line one, or none`,
    });
  }
  requests.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  requests.forEach((request, index) => {
    request.index = index;
  });
  const notes =
    timed === 0
      ? [`No timestamps: requests arrive at ${rate}/s from ${new Date(requests[0]?.atMs ?? 0).toISOString()}.`]
      : [];
  return { name: options.name, format: 'openai', requests, contentFree: false, notes };
}

/** Reads an OpenAI request trace (`.jsonl`, or `.jsonl.gz`); see {@link parseOpenAiJsonl}. */
export async function readOpenAiJsonl(path: string, options: { ratePerSecond?: number } = {}): Promise<Trace> {
  return parseOpenAiJsonl(await readTraceText(path), { name: basename(path), ...options });
}
