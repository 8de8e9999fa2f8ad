/** Which public API a batch was created through; decides how it and its results are rendered. */
export type BatchApi = 'openai' | 'anthropic';

/** OpenAI's batch statuses; Anthropic's `processing_status` is derived from them. */
export type BatchStatus =
  | 'validating'
  | 'failed'
  | 'in_progress'
  | 'finalizing'
  | 'completed'
  | 'expired'
  | 'cancelling'
  | 'cancelled';

/** Statuses in which the runner has work to do (`validating`: still being written, not yet runnable). */
export const ACTIVE_STATUSES: readonly BatchStatus[] = ['in_progress', 'finalizing', 'cancelling'];

/** A stored file: an upload (with content) or a batch's output or error file (rendered from its lines). */
export interface StoredFile {
  /** `file-…`. */
  id: string;
  /** Milliseconds since the epoch. */
  createdAt: number;
  filename: string;
  /** `batch` for uploads; `batch_output` for results. */
  purpose: string;
  bytes: number;
  /** The tenant that may see it (undefined: anyone allowed on the gateway). */
  owner: string | undefined;
  /** Non-blank lines in the file. */
  lineCount: number;
  /** For output and error files: the batch whose lines they render. */
  sourceBatchId: string | undefined;
  /** For output and error files: which lines. */
  sourceKind: 'output' | 'error' | undefined;
}

/** How a batch's lines reach the gateway again: the creator's credentials and attribution. */
export interface BatchCaller {
  /**
   * `virtual`: the creator's virtual key is replayed (its tenant, budget and revocation apply);
   * `master`: the gateway's master key, read from the environment at run time, never stored;
   * `none`: the gateway is open (no master key).
   */
  credential: 'none' | 'master' | 'virtual';
  /** The virtual key, for `virtual` callers. */
  virtualKey?: string;
  /** `x-tollgate-*` attribution and policy headers sent at creation, replayed on every line. */
  headers: Record<string, string>;
}

/** A per-batch problem found before any line ran (OpenAI's `errors.data`). */
export interface BatchValidationError {
  code: string;
  message: string;
  param?: string | null;
  line?: number | null;
}

/** A batch job. Times are milliseconds since the epoch. */
export interface BatchJob {
  /** `batch_…` or `msgbatch_…`. */
  id: string;
  api: BatchApi;
  /** The route every line is sent to, e.g. `/v1/chat/completions`. */
  endpoint: string;
  /** The uploaded input file (OpenAI); undefined for Anthropic batches (lines come inline). */
  inputFileId: string | undefined;
  completionWindow: string;
  status: BatchStatus;
  owner: string | undefined;
  metadata: Record<string, string> | undefined;
  caller: BatchCaller;
  createdAt: number;
  inProgressAt: number | undefined;
  finalizingAt: number | undefined;
  completedAt: number | undefined;
  failedAt: number | undefined;
  expiredAt: number | undefined;
  cancellingAt: number | undefined;
  cancelledAt: number | undefined;
  expiresAt: number;
  outputFileId: string | undefined;
  errorFileId: string | undefined;
  errors: BatchValidationError[] | undefined;
}

/** A line as parsed from the input: a request to run, or a problem to report in the error file. */
export interface BatchLineInput {
  /** 0-based position among the file's non-blank lines. */
  index: number;
  customId: string | undefined;
  /** The request body as JSON text, for valid lines. */
  body: string | undefined;
  /** Why the line cannot run; it goes straight to the error file. */
  inputError: LineError | undefined;
}

/** A line's error as reported in the error file. */
export interface LineError {
  code: string;
  message: string;
}

/** A line waiting to run. */
export interface PendingLine {
  batchId: string;
  index: number;
  customId: string;
  body: string;
  /** Tries so far whose result was not kept; part of the line's request id, so each try has its own ledger row. */
  attempt: number;
  /** Of those, the failed ones (a budget wait is not a failure); capped by `batch.max_attempts`. */
  failures: number;
}

/** How a line ended. */
export type LineOutcome = 'succeeded' | 'errored' | 'canceled' | 'expired';

/** Tokens of one answered line. */
export interface LineTokens {
  input: number;
  cached: number;
  output: number;
  reasoning: number;
}

/** The result of running a line, as stored. */
export interface LineResult {
  outcome: 'succeeded' | 'errored';
  /** The gateway's HTTP status for the line; undefined for errors found without a request. */
  statusCode: number | undefined;
  /** The gateway request id (the ledger row's id). */
  requestId: string | undefined;
  /** The response body as JSON text. */
  responseBody: string | undefined;
  /** For lines that never got a response. */
  error: LineError | undefined;
  /** What the line cost, USD, as the ledger recorded it. */
  costUsd: number;
  /** What it would have cost at live (non-batch) prices. */
  liveCostUsd: number;
  tokens: LineTokens;
}

/** A finished line, as read back to render output and error files. */
export interface StoredLineResult {
  index: number;
  customId: string | undefined;
  outcome: LineOutcome;
  statusCode: number | undefined;
  requestId: string | undefined;
  responseBody: string | undefined;
  error: LineError | undefined;
}

/** How many lines of a batch are in each state. */
export interface LineCounts {
  total: number;
  pending: number;
  succeeded: number;
  errored: number;
  canceled: number;
  expired: number;
}

/** Spend and tokens over a batch's finished lines. */
export interface BatchUsage {
  costUsd: number;
  liveCostUsd: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}
