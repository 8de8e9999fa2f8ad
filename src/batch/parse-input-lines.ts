import { GatewayError } from '../spec/index.js';
import type { BatchLineInput, LineError } from './store/batch-records.js';

/** Splits JSONL into its non-blank lines (a trailing newline or CRLF endings are fine). */
export function splitJsonLines(content: Buffer): string[] {
  return content
    .toString('utf8')
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line))
    .filter((line) => line.trim().length > 0);
}

/** Lines checked between two turns of the event loop: a 50,000-line file must not stall live traffic. */
const SLICE = 2_000;

async function mapInSlices<T, R>(items: readonly T[], map: (item: T, index: number) => R): Promise<R[]> {
  const mapped: R[] = [];
  for (const [index, item] of items.entries()) {
    if (index > 0 && index % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    mapped.push(map(item, index));
  }
  return mapped;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lineError(index: number, code: string, message: string, customId?: string): BatchLineInput {
  const error: LineError = { code, message: `Line ${index + 1}: ${message}` };
  return { index, customId, body: undefined, inputError: error };
}

/** Refuses more lines than `batch.max_lines`, before anything is stored. */
export function assertLineCount(options: { count: number; maxLines: number; source: string }): void {
  const { count, maxLines, source } = options;
  if (count > maxLines) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${source} has ${count} requests; a batch takes at most ${maxLines} (batch.max_lines). Split it into several batches.`,
    });
  }
  if (count === 0) throw new GatewayError({ code: 'invalid_request', message: `${source} has no requests.` });
}

/** Checks the request body every line shares, whichever API it came through. */
function checkBody(index: number, body: unknown, customId: string): BatchLineInput | undefined {
  if (!isObject(body)) return lineError(index, 'invalid_body', 'the request body must be a JSON object.', customId);
  if (body.stream === true) {
    return lineError(index, 'stream_unsupported', 'batch requests cannot stream; remove "stream".', customId);
  }
  return undefined;
}

/**
 * Parses an OpenAI batch input file: one `{custom_id, method: "POST", url, body}` per line, with
 * `url` equal to the batch's endpoint and unique custom ids. A line that breaks these rules is kept
 * with its error (it goes to the error file) instead of failing the batch.
 */
export async function parseOpenAiBatchLines(options: {
  content: Buffer;
  endpoint: string;
  maxLines: number;
}): Promise<{ lines: BatchLineInput[] }> {
  const texts = splitJsonLines(options.content);
  assertLineCount({ count: texts.length, maxLines: options.maxLines, source: 'The file' });
  const seen = new Set<string>();
  const lines = await mapInSlices(texts, (text, index): BatchLineInput => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return lineError(index, 'invalid_json_line', `not valid JSON (${(error as Error).message}).`);
    }
    if (!isObject(parsed)) return lineError(index, 'invalid_json_line', 'each line must be a JSON object.');
    const customId = parsed.custom_id;
    if (typeof customId !== 'string' || customId.length === 0 || customId.length > 512) {
      return lineError(index, 'missing_custom_id', 'custom_id must be a string of 1 to 512 characters.');
    }
    if (seen.has(customId)) {
      return lineError(index, 'duplicate_custom_id', `custom_id "${customId}" appears more than once.`, customId);
    }
    seen.add(customId);
    if (parsed.method !== 'POST') return lineError(index, 'invalid_method', 'method must be "POST".', customId);
    if (parsed.url !== options.endpoint) {
      return lineError(
        index,
        'invalid_url',
        `url must be the batch's endpoint ${options.endpoint}, not ${JSON.stringify(parsed.url)}.`,
        customId,
      );
    }
    const problem = checkBody(index, parsed.body, customId);
    if (problem) return problem;
    return { index, customId, body: JSON.stringify(parsed.body), inputError: undefined };
  });
  return { lines };
}

/** Anthropic's rule for custom ids. */
const ANTHROPIC_CUSTOM_ID = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Parses an Anthropic Message Batches `requests` array: `{custom_id, params}` each, params being a
 * Messages request. As for OpenAI files, a broken entry is reported in the results, not fatal.
 */
export async function parseAnthropicBatchRequests(options: {
  requests: unknown;
  maxLines: number;
}): Promise<{ lines: BatchLineInput[] }> {
  if (!Array.isArray(options.requests)) {
    throw new GatewayError({ code: 'invalid_request', param: 'requests', message: 'requests must be an array.' });
  }
  assertLineCount({ count: options.requests.length, maxLines: options.maxLines, source: 'requests' });
  const seen = new Set<string>();
  const lines = await mapInSlices(options.requests as unknown[], (entry, index): BatchLineInput => {
    if (!isObject(entry)) return lineError(index, 'invalid_request', 'each request must be an object.');
    const customId = entry.custom_id;
    if (typeof customId !== 'string' || !ANTHROPIC_CUSTOM_ID.test(customId)) {
      return lineError(index, 'invalid_custom_id', 'custom_id must be 1 to 64 letters, digits, "_" or "-".');
    }
    if (seen.has(customId)) {
      return lineError(index, 'duplicate_custom_id', `custom_id "${customId}" appears more than once.`, customId);
    }
    seen.add(customId);
    const problem = checkBody(index, entry.params, customId);
    if (problem) return problem;
    return { index, customId, body: JSON.stringify(entry.params), inputError: undefined };
  });
  return { lines };
}
