import { type DispatchedResponse, dispatchInProcess, type GatewayHandle } from './dispatch-in-process.js';
import type { BatchJob, LineResult, LineTokens, PendingLine } from './store/batch-records.js';

/** What became of one try of a line. */
export type LineRun =
  | { kind: 'result'; result: LineResult }
  | {
      kind: 'retry';
      /** When to try again. */
      delayMs: number;
      /** False for a budget wait, which does not count toward `batch.max_attempts`. */
      failure: boolean;
      /** For the log. */
      reason: string;
    };

/** Options for {@link runLine}. */
export interface RunLineOptions {
  job: BatchJob;
  line: PendingLine;
  /** The gateway's own handler: the line runs the same lifecycle as a client request. */
  handle: GatewayHandle;
  /** The gateway's master key, for batches created with it (never stored with the batch). */
  masterKey: string | undefined;
  /** `batch.max_attempts`. */
  maxAttempts: number;
  /** How long to wait before a line refused by a budget is tried again. */
  budgetWaitMs: number;
  /** Aborted when the lane stops. */
  signal?: AbortSignal;
  /** Random source in [0, 1) for backoff jitter. */
  random?: () => number;
}

const RETRY_BASE_MS = 1_000;
const RETRY_CAP_MS = 60_000;
/** A provider's `retry-after` is honoured up to this. */
const RETRY_AFTER_CAP_MS = 10 * 60_000;
const RETRYABLE_STATUSES = new Set([408, 409, 429, 500, 502, 503, 504, 529]);

/**
 * The request id of one try of a line. Deterministic, so that a try interrupted by a crash and run
 * again after the restart has the same id, and the ledger (idempotent by request id) keeps one row.
 */
export function lineRequestId(line: Pick<PendingLine, 'batchId' | 'index' | 'attempt'>): string {
  return `${line.batchId}.${line.index}.${line.attempt}`;
}

/** The headers every line of a job is sent with: the creator's attribution and credentials, batch priority. */
export function lineHeaders(job: BatchJob, masterKey: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {
    ...job.caller.headers,
    'content-type': 'application/json',
    'x-tollgate-priority': 'batch',
  };
  if (job.caller.credential === 'virtual' && job.caller.virtualKey) {
    headers.authorization = `Bearer ${job.caller.virtualKey}`;
  } else if (job.caller.credential === 'master' && masterKey) {
    headers.authorization = `Bearer ${masterKey}`;
  }
  if (job.api === 'anthropic') headers['anthropic-version'] = '2023-06-01';
  return headers;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** Tokens from an OpenAI (chat or embeddings) or Anthropic response body's `usage`. */
export function readTokens(body: unknown): LineTokens {
  const usage = record(record(body).usage);
  if ('input_tokens' in usage) {
    const cached = count(usage.cache_read_input_tokens);
    return {
      input: count(usage.input_tokens) + cached + count(usage.cache_creation_input_tokens),
      cached,
      output: count(usage.output_tokens),
      reasoning: 0,
    };
  }
  return {
    input: count(usage.prompt_tokens),
    cached: count(record(usage.prompt_tokens_details).cached_tokens),
    output: count(usage.completion_tokens),
    reasoning: count(record(usage.completion_tokens_details).reasoning_tokens),
  };
}

/** The body as JSON text (a non-JSON body becomes a JSON string, so result lines stay valid JSON). */
function jsonText(body: Buffer): { text: string; parsed: unknown } {
  const raw = body.toString('utf8');
  try {
    return { text: raw, parsed: JSON.parse(raw) };
  } catch {
    return { text: JSON.stringify(raw), parsed: raw };
  }
}

function resultOf(response: DispatchedResponse, requestId: string): LineResult {
  const { text, parsed } = jsonText(response.body);
  const ok = response.status >= 200 && response.status < 300;
  const cost = Number(response.headers['x-tollgate-cost-usd'] ?? 0);
  const costUsd = Number.isFinite(cost) ? cost : 0;
  return {
    outcome: ok ? 'succeeded' : 'errored',
    statusCode: response.status,
    requestId: response.headers['x-tollgate-request-id'] ?? requestId,
    responseBody: text,
    error: undefined,
    costUsd,
    // Run through the live API: batch price and live price are the same.
    liveCostUsd: costUsd,
    tokens: ok ? readTokens(parsed) : { input: 0, cached: 0, output: 0, reasoning: 0 },
  };
}

function backoffMs(failures: number, random: () => number, retryAfter: string | undefined): number {
  const jittered = random() * Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** failures);
  const asked = Number(retryAfter) * 1000;
  return Number.isFinite(asked) && asked > 0 ? Math.max(jittered, Math.min(asked, RETRY_AFTER_CAP_MS)) : jittered;
}

/**
 * Runs one try of a line through the gateway's handler with `x-tollgate-priority: batch` and the
 * creator's credentials, and says what to keep: a result (2xx, or an error that will not heal, or the
 * last allowed try), or a retry (a budget refusal waits without counting; 429/5xx back off).
 */
export async function runLine(options: RunLineOptions): Promise<LineRun> {
  const { job, line } = options;
  const random = options.random ?? Math.random;
  const requestId = lineRequestId(line);
  const lastTry = line.failures + 1 >= options.maxAttempts;
  let response: DispatchedResponse;
  try {
    response = await dispatchInProcess({
      handle: options.handle,
      method: 'POST',
      path: job.endpoint,
      headers: { ...lineHeaders(job, options.masterKey), 'x-request-id': requestId },
      body: line.body,
      signal: options.signal,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (!lastTry)
      return { kind: 'retry', delayMs: backoffMs(line.failures, random, undefined), failure: true, reason: message };
    return {
      kind: 'result',
      result: {
        outcome: 'errored',
        statusCode: undefined,
        requestId,
        responseBody: undefined,
        error: { code: 'request_dropped', message },
        costUsd: 0,
        liveCostUsd: 0,
        tokens: { input: 0, cached: 0, output: 0, reasoning: 0 },
      },
    };
  }
  const shouldRetry = response.headers['x-should-retry'];
  // A spent budget is a 429 the gateway marks as not worth retrying: the line waits for room instead.
  if (response.status === 429 && shouldRetry === 'false') {
    return { kind: 'retry', delayMs: options.budgetWaitMs, failure: false, reason: 'budget' };
  }
  const retryable = shouldRetry === 'true' || (shouldRetry === undefined && RETRYABLE_STATUSES.has(response.status));
  if (retryable && !lastTry) {
    return {
      kind: 'retry',
      delayMs: backoffMs(line.failures, random, response.headers['retry-after']),
      failure: true,
      reason: `HTTP ${response.status}`,
    };
  }
  return { kind: 'result', result: resultOf(response, requestId) };
}
