import { randomUUID } from 'node:crypto';
import type { BatchDatabase, BatchSqlValue, BatchStatement } from './batch-database.js';
import {
  ACTIVE_STATUSES,
  type BatchApi,
  type BatchCaller,
  type BatchJob,
  type BatchLineInput,
  type BatchStatus,
  type BatchUsage,
  type BatchValidationError,
  type LineCounts,
  type LineError,
  type LineOutcome,
  type LineResult,
  type PendingLine,
  type StoredFile,
  type StoredLineResult,
} from './batch-records.js';
import { batchMigrations } from './batch-schema.js';
import { SubmissionStore } from './submission-store.js';

/** Lines inserted per statement when a batch is created (keeps each parameter a few MB). */
const INSERT_CHUNK = 2_000;

const LINE_COLUMNS = [
  'batch_id',
  'line_index',
  'custom_id',
  'body',
  'state',
  'attempt',
  'failures',
  'not_before',
  'outcome',
  'error',
  'cost_usd',
  'live_cost_usd',
  'input_tokens',
  'cached_tokens',
  'output_tokens',
  'reasoning_tokens',
  'completed_at',
] as const;

const FILE_COLUMN_LIST = [
  'id',
  'created_at',
  'filename',
  'purpose',
  'bytes',
  'owner',
  'line_count',
  'source_batch_id',
  'source_kind',
] as const;
const FILE_COLUMNS = FILE_COLUMN_LIST.join(', ');

/** Timestamp columns a status change may set. */
export type BatchTimestamp =
  | 'in_progress_at'
  | 'finalizing_at'
  | 'completed_at'
  | 'failed_at'
  | 'expired_at'
  | 'cancelling_at'
  | 'cancelled_at';

function optionalNumber(value: unknown): number | undefined {
  return value === null || value === undefined ? undefined : Number(value);
}

function optionalText(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

function parseJson<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}

function toFile(row: Record<string, unknown>): StoredFile {
  const kind = optionalText(row.source_kind);
  return {
    id: String(row.id),
    createdAt: Number(row.created_at),
    filename: String(row.filename),
    purpose: String(row.purpose),
    bytes: Number(row.bytes),
    owner: optionalText(row.owner),
    lineCount: Number(row.line_count),
    sourceBatchId: optionalText(row.source_batch_id),
    sourceKind: kind === 'output' || kind === 'error' ? kind : undefined,
  };
}

function toJob(row: Record<string, unknown>): BatchJob {
  return {
    id: String(row.id),
    api: String(row.api) as BatchApi,
    endpoint: String(row.endpoint),
    inputFileId: optionalText(row.input_file_id),
    completionWindow: String(row.completion_window),
    status: String(row.status) as BatchStatus,
    owner: optionalText(row.owner),
    metadata: parseJson<Record<string, string>>(row.metadata),
    caller: parseJson<BatchCaller>(row.caller) ?? { credential: 'none', headers: {} },
    createdAt: Number(row.created_at),
    inProgressAt: optionalNumber(row.in_progress_at),
    finalizingAt: optionalNumber(row.finalizing_at),
    completedAt: optionalNumber(row.completed_at),
    failedAt: optionalNumber(row.failed_at),
    expiredAt: optionalNumber(row.expired_at),
    cancellingAt: optionalNumber(row.cancelling_at),
    cancelledAt: optionalNumber(row.cancelled_at),
    expiresAt: Number(row.expires_at),
    outputFileId: optionalText(row.output_file_id),
    errorFileId: optionalText(row.error_file_id),
    errors: parseJson<BatchValidationError[]>(row.errors),
  };
}

function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}

/** Where results of a kind live: the output file takes successes, the error file everything else. */
const OUTCOMES_OF_KIND: Record<'output' | 'error' | 'all', readonly LineOutcome[]> = {
  output: ['succeeded'],
  error: ['errored', 'canceled', 'expired'],
  all: ['succeeded', 'errored', 'canceled', 'expired'],
};

/**
 * Durable batch jobs, their files and one row per line, over SQLite or PostgreSQL. Every write that
 * must be atomic is one statement or one transaction; a line's result is written only over a pending
 * line, so however often a line is run (a crash, two instances), one result is kept.
 */
export class BatchStore {
  /** Lines sent through provider batch APIs. */
  readonly submissions: SubmissionStore;

  constructor(private readonly database: BatchDatabase) {
    this.submissions = new SubmissionStore(database);
  }

  /** Creates or upgrades the tables. */
  migrate(): Promise<void> {
    return this.database.migrate(batchMigrations);
  }

  /** Whether the database answers. */
  ping(): Promise<boolean> {
    return this.database.ping();
  }

  close(): Promise<void> {
    return this.database.close();
  }

  async createFile(file: StoredFile, content: Buffer | undefined): Promise<void> {
    await this.database.run({
      sql: `INSERT INTO batch_files (${FILE_COLUMNS}, content) VALUES (${placeholders(10)})`,
      params: [
        file.id,
        file.createdAt,
        file.filename,
        file.purpose,
        file.bytes,
        file.owner ?? null,
        file.lineCount,
        file.sourceBatchId ?? null,
        file.sourceKind ?? null,
        content ?? null,
      ],
    });
  }

  async getFile(id: string): Promise<StoredFile | undefined> {
    const rows = await this.database.all({ sql: `SELECT ${FILE_COLUMNS} FROM batch_files WHERE id = ?`, params: [id] });
    return rows[0] ? toFile(rows[0]) : undefined;
  }

  /** An upload's bytes (undefined for output and error files, which are rendered from lines). */
  async readFileContent(id: string): Promise<Buffer | undefined> {
    const rows = await this.database.all({ sql: 'SELECT content FROM batch_files WHERE id = ?', params: [id] });
    const content = rows[0]?.content;
    return Buffer.isBuffer(content) ? content : undefined;
  }

  /** Files newest first (OpenAI's default order), after a cursor id, optionally one owner's and one purpose's. */
  async listFiles(query: {
    owner: string | undefined;
    purpose: string | undefined;
    after: string | undefined;
    limit: number;
    order: 'asc' | 'desc';
  }): Promise<StoredFile[]> {
    const where: string[] = [];
    const params: BatchSqlValue[] = [];
    if (query.owner !== undefined) {
      where.push('owner = ?');
      params.push(query.owner);
    }
    if (query.purpose !== undefined) {
      where.push('purpose = ?');
      params.push(query.purpose);
    }
    if (query.after !== undefined) {
      const cursor = await this.getFile(query.after);
      if (cursor) {
        const comparison = query.order === 'desc' ? '<' : '>';
        where.push(`(created_at ${comparison} ? OR (created_at = ? AND id ${comparison} ?))`);
        params.push(cursor.createdAt, cursor.createdAt, cursor.id);
      }
    }
    const direction = query.order === 'desc' ? 'DESC' : 'ASC';
    const rows = await this.database.all({
      sql: `SELECT ${FILE_COLUMNS} FROM batch_files ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
      params: [...params, query.limit],
    });
    return rows.map(toFile);
  }

  async deleteFile(id: string): Promise<boolean> {
    return (await this.database.run({ sql: 'DELETE FROM batch_files WHERE id = ?', params: [id] })) > 0;
  }

  /**
   * Stores a job and all its lines. A small batch is one transaction. A large one is written as a
   * `validating` job in slices of {@link INSERT_CHUNK} lines, one transaction each, letting the event
   * loop serve requests in between, and only then made `in_progress`: the runner never sees a
   * half-written batch, and one abandoned by a crash is removed by {@link BatchStore.removeAbandoned}.
   */
  async createJob(job: BatchJob, lines: readonly BatchLineInput[]): Promise<void> {
    const sliced = lines.length > INSERT_CHUNK;
    const insertJob: BatchStatement = {
      sql: `INSERT INTO batch_jobs (id, api, endpoint, input_file_id, completion_window, status, owner, metadata, caller,
  created_at, in_progress_at, expires_at, errors) VALUES (${placeholders(13)})`,
      params: [
        job.id,
        job.api,
        job.endpoint,
        job.inputFileId ?? null,
        job.completionWindow,
        sliced ? 'validating' : job.status,
        job.owner ?? null,
        job.metadata ? JSON.stringify(job.metadata) : null,
        JSON.stringify(job.caller),
        job.createdAt,
        job.inProgressAt ?? null,
        job.expiresAt,
        job.errors ? JSON.stringify(job.errors) : null,
      ],
    };
    if (!sliced) {
      await this.database.transaction([insertJob, ...this.insertLines(job, lines)]);
      return;
    }
    await this.database.run(insertJob);
    for (let start = 0; start < lines.length; start += INSERT_CHUNK) {
      await new Promise((resolve) => setImmediate(resolve));
      await this.database.transaction(this.insertLines(job, lines.slice(start, start + INSERT_CHUNK)));
    }
    await this.transition({
      id: job.id,
      from: ['validating'],
      to: job.status,
      timestamp: undefined,
      at: job.createdAt,
    });
  }

  private insertLines(job: BatchJob, lines: readonly BatchLineInput[]): BatchStatement[] {
    const rows = lines.map((line) => ({
      batch_id: job.id,
      line_index: line.index,
      custom_id: line.customId ?? null,
      body: line.body ?? null,
      state: line.inputError ? 'done' : 'pending',
      attempt: 0,
      failures: 0,
      not_before: 0,
      outcome: line.inputError ? 'errored' : null,
      error: line.inputError ? JSON.stringify(line.inputError) : null,
      cost_usd: 0,
      live_cost_usd: 0,
      input_tokens: 0,
      cached_tokens: 0,
      output_tokens: 0,
      reasoning_tokens: 0,
      completed_at: line.inputError ? job.createdAt : null,
    }));
    if (this.database.dialect === 'postgres') {
      return [{ sql: this.insertRowsSql('batch_lines', LINE_COLUMNS), params: [JSON.stringify(rows)] }];
    }
    // SQLite inserts prepared rows faster than it expands JSON, and each statement is microseconds.
    const sql = `INSERT INTO batch_lines (${LINE_COLUMNS.join(', ')}) VALUES (${placeholders(LINE_COLUMNS.length)})`;
    return rows.map((row) => ({ sql, params: LINE_COLUMNS.map((column) => row[column]) }));
  }

  /** Removes batches left half-written (`validating`) by a crash before `createdBefore`. */
  async removeAbandoned(createdBefore: number): Promise<number> {
    const rows = await this.database.all({
      sql: `SELECT id FROM batch_jobs WHERE status = 'validating' AND created_at < ?`,
      params: [createdBefore],
    });
    for (const row of rows) await this.deleteJob(String(row.id));
    return rows.length;
  }

  /**
   * Many rows travel as one JSON parameter (one statement whatever their number, typed by the table
   * in PostgreSQL); `condition` may add a WHERE clause with its own parameters after the rows.
   */
  private insertRowsSql(table: string, columns: readonly string[], condition = ''): string {
    const list = columns.join(', ');
    const where = condition ? ` WHERE ${condition}` : '';
    if (this.database.dialect === 'postgres') {
      return `INSERT INTO ${table} (${list}) SELECT ${list} FROM json_populate_recordset(NULL::${table}, ?::json)${where}`;
    }
    const extracts = columns.map((column) => `json_extract(value, '$.${column}')`).join(', ');
    return `INSERT INTO ${table} (${list}) SELECT ${extracts} FROM json_each(?)${where}`;
  }

  async getJob(id: string): Promise<BatchJob | undefined> {
    const rows = await this.database.all({ sql: 'SELECT * FROM batch_jobs WHERE id = ?', params: [id] });
    return rows[0] ? toJob(rows[0]) : undefined;
  }

  /** Jobs of one API, newest first, after a cursor id. */
  async listJobs(query: {
    api: BatchApi;
    owner: string | undefined;
    after: string | undefined;
    before: string | undefined;
    limit: number;
  }): Promise<BatchJob[]> {
    const where = ['api = ?'];
    const params: BatchSqlValue[] = [query.api];
    if (query.owner !== undefined) {
      where.push('owner = ?');
      params.push(query.owner);
    }
    let ascending = false;
    const cursorId = query.after ?? query.before;
    if (cursorId !== undefined) {
      const cursor = await this.getJob(cursorId);
      if (cursor) {
        ascending = query.after === undefined;
        const comparison = ascending ? '>' : '<';
        where.push(`(created_at ${comparison} ? OR (created_at = ? AND id ${comparison} ?))`);
        params.push(cursor.createdAt, cursor.createdAt, cursor.id);
      }
    }
    const direction = ascending ? 'ASC' : 'DESC';
    const rows = await this.database.all({
      sql: `SELECT * FROM batch_jobs WHERE ${where.join(' AND ')} ORDER BY created_at ${direction}, id ${direction} LIMIT ?`,
      params: [...params, query.limit],
    });
    const jobs = rows.map(toJob);
    return ascending ? jobs.reverse() : jobs;
  }

  /** Moves a job to `status` (and stamps `timestamp`) only from one of `from`; false when it was elsewhere. */
  async transition(options: {
    id: string;
    from: readonly BatchStatus[];
    to: BatchStatus;
    timestamp: BatchTimestamp | undefined;
    at: number;
  }): Promise<boolean> {
    const stamp = options.timestamp ? `, ${options.timestamp} = ?` : '';
    const changed = await this.database.run({
      sql: `UPDATE batch_jobs SET status = ?${stamp} WHERE id = ? AND status IN (${placeholders(options.from.length)})`,
      params: [options.to, ...(options.timestamp ? [options.at] : []), options.id, ...options.from],
    });
    return changed > 0;
  }

  /**
   * Takes (or renews) the lease of every active job that is unowned, ours, or whose owner stopped
   * renewing, and returns the jobs this owner now holds.
   */
  async claimJobs(options: { owner: string; now: number; leaseMs: number }): Promise<BatchJob[]> {
    const active = placeholders(ACTIVE_STATUSES.length);
    await this.database.run({
      sql: `UPDATE batch_jobs SET lease_owner = ?, lease_expires_at = ?
WHERE status IN (${active}) AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
      params: [options.owner, options.now + options.leaseMs, ...ACTIVE_STATUSES, options.owner, options.now],
    });
    const rows = await this.database.all({
      sql: `SELECT * FROM batch_jobs WHERE lease_owner = ? AND status IN (${active}) ORDER BY created_at, id`,
      params: [options.owner, ...ACTIVE_STATUSES],
    });
    return rows.map(toJob);
  }

  /** Gives up this owner's leases (a clean shutdown), so another instance resumes at once. */
  async releaseJobs(owner: string): Promise<void> {
    await this.database.run({
      sql: 'UPDATE batch_jobs SET lease_owner = NULL, lease_expires_at = NULL WHERE lease_owner = ?',
      params: [owner],
    });
  }

  /** Pending lines planned to run through the gateway and due by `now`, in input order. */
  async pendingLines(options: { batchId: string; now: number; limit: number }): Promise<PendingLine[]> {
    const rows = await this.database.all({
      sql: `SELECT line_index, custom_id, body, attempt, failures FROM batch_lines
WHERE batch_id = ? AND state = 'pending' AND lane = 'gateway' AND not_before <= ? ORDER BY line_index LIMIT ?`,
      params: [options.batchId, options.now, options.limit],
    });
    return rows.map((row) => ({
      batchId: options.batchId,
      index: Number(row.line_index),
      customId: String(row.custom_id),
      body: String(row.body),
      attempt: Number(row.attempt),
      failures: Number(row.failures),
    }));
  }

  /** Keeps a line's result; false when the line already had one (it is never overwritten). */
  async recordResult(options: { batchId: string; index: number; result: LineResult; at: number }): Promise<boolean> {
    const { result } = options;
    const changed = await this.database.run({
      sql: `UPDATE batch_lines SET state = 'done', outcome = ?, status_code = ?, request_id = ?, response_body = ?, error = ?,
  cost_usd = ?, live_cost_usd = ?, input_tokens = ?, cached_tokens = ?, output_tokens = ?, reasoning_tokens = ?, completed_at = ?
WHERE batch_id = ? AND line_index = ? AND state = 'pending'`,
      params: [
        result.outcome,
        result.statusCode ?? null,
        result.requestId ?? null,
        result.responseBody ?? null,
        result.error ? JSON.stringify(result.error) : null,
        result.costUsd,
        result.liveCostUsd,
        result.tokens.input,
        result.tokens.cached,
        result.tokens.output,
        result.tokens.reasoning,
        options.at,
        options.batchId,
        options.index,
      ],
    });
    return changed > 0;
  }

  /** Runs a pending line again later, as its next attempt (a new request id), counting failures toward the cap. */
  async scheduleRetry(options: {
    batchId: string;
    index: number;
    attempt: number;
    failures: number;
    notBefore: number;
  }): Promise<void> {
    await this.database.run({
      sql: `UPDATE batch_lines SET attempt = ?, failures = ?, not_before = ?
WHERE batch_id = ? AND line_index = ? AND state = 'pending'`,
      params: [options.attempt, options.failures, options.notBefore, options.batchId, options.index],
    });
  }

  async countLines(batchId: string): Promise<LineCounts> {
    const rows = await this.database.all({
      sql: `SELECT state, outcome, COUNT(*) AS lines FROM batch_lines WHERE batch_id = ? GROUP BY state, outcome`,
      params: [batchId],
    });
    const counts: LineCounts = { total: 0, pending: 0, succeeded: 0, errored: 0, canceled: 0, expired: 0 };
    for (const row of rows) {
      const lines = Number(row.lines);
      counts.total += lines;
      const outcome = optionalText(row.outcome) as LineOutcome | undefined;
      if (row.state === 'pending' || outcome === undefined) counts.pending += lines;
      else counts[outcome] += lines;
    }
    return counts;
  }

  async usage(batchId: string): Promise<BatchUsage> {
    const rows = await this.database.all({
      sql: `SELECT COALESCE(SUM(cost_usd), 0) AS cost, COALESCE(SUM(live_cost_usd), 0) AS live,
  COALESCE(SUM(input_tokens), 0) AS input, COALESCE(SUM(cached_tokens), 0) AS cached,
  COALESCE(SUM(output_tokens), 0) AS output, COALESCE(SUM(reasoning_tokens), 0) AS reasoning
FROM batch_lines WHERE batch_id = ?`,
      params: [batchId],
    });
    const row = rows[0] ?? {};
    return {
      costUsd: Number(row.cost ?? 0),
      liveCostUsd: Number(row.live ?? 0),
      inputTokens: Number(row.input ?? 0),
      cachedTokens: Number(row.cached ?? 0),
      outputTokens: Number(row.output ?? 0),
      reasoningTokens: Number(row.reasoning ?? 0),
    };
  }

  /** Finished lines of a kind in input order, a page at a time (`afterIndex` −1 to start). */
  async readResults(options: {
    batchId: string;
    kind: 'output' | 'error' | 'all';
    afterIndex: number;
    limit: number;
  }): Promise<StoredLineResult[]> {
    const outcomes = OUTCOMES_OF_KIND[options.kind];
    const rows = await this.database.all({
      sql: `SELECT line_index, custom_id, outcome, status_code, request_id, response_body, error FROM batch_lines
WHERE batch_id = ? AND state = 'done' AND outcome IN (${placeholders(outcomes.length)}) AND line_index > ?
ORDER BY line_index LIMIT ?`,
      params: [options.batchId, ...outcomes, options.afterIndex, options.limit],
    });
    return rows.map((row) => ({
      index: Number(row.line_index),
      customId: optionalText(row.custom_id),
      outcome: String(row.outcome) as LineOutcome,
      statusCode: optionalNumber(row.status_code),
      requestId: optionalText(row.request_id),
      responseBody: optionalText(row.response_body),
      error: parseJson<LineError>(row.error),
    }));
  }

  /**
   * Marks a job's pending lines cancelled or expired, only while the job is in one of `whileStatus`
   * (a job that moved on keeps its lines as they are).
   */
  async closePendingLines(options: {
    batchId: string;
    outcome: 'canceled' | 'expired';
    whileStatus: readonly BatchStatus[];
    at: number;
  }): Promise<number> {
    return this.database.run({
      sql: `UPDATE batch_lines SET state = 'done', outcome = ?, completed_at = ? WHERE batch_id = ? AND state = 'pending'
  AND EXISTS (SELECT 1 FROM batch_jobs WHERE id = ? AND status IN (${placeholders(options.whileStatus.length)}))`,
      params: [options.outcome, options.at, options.batchId, options.batchId, ...options.whileStatus],
    });
  }

  /**
   * Ends a job in one transaction: lines still pending get `pendingOutcome` (cancelled or expired),
   * the output and error files are registered, and the job moves to its final status. False (and
   * nothing written) when the job had left `from` meanwhile (cancelled, or finished by another instance).
   */
  async finishJob(options: {
    id: string;
    from: readonly BatchStatus[];
    status: 'completed' | 'cancelled' | 'expired' | 'failed';
    timestamp: BatchTimestamp;
    at: number;
    pendingOutcome: 'canceled' | 'expired' | undefined;
    files: readonly StoredFile[];
  }): Promise<boolean> {
    // The later statements apply only if the first one moved the job: they check its finish token.
    const token = randomUUID();
    const ours = 'EXISTS (SELECT 1 FROM batch_jobs WHERE id = ? AND finished_by = ?)';
    const statements: BatchStatement[] = [
      {
        sql: `UPDATE batch_jobs SET status = ?, ${options.timestamp} = ?, output_file_id = ?, error_file_id = ?, finished_by = ?,
  lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND status IN (${placeholders(options.from.length)})`,
        params: [
          options.status,
          options.at,
          options.files.find((file) => file.sourceKind === 'output')?.id ?? null,
          options.files.find((file) => file.sourceKind === 'error')?.id ?? null,
          token,
          options.id,
          ...options.from,
        ],
      },
    ];
    if (options.pendingOutcome) {
      statements.push({
        sql: `UPDATE batch_lines SET state = 'done', outcome = ?, completed_at = ? WHERE batch_id = ? AND state = 'pending' AND ${ours}`,
        params: [options.pendingOutcome, options.at, options.id, options.id, token],
      });
    }
    if (options.files.length > 0) {
      const rows = options.files.map((file) => ({
        id: file.id,
        created_at: file.createdAt,
        filename: file.filename,
        purpose: file.purpose,
        bytes: file.bytes,
        owner: file.owner ?? null,
        line_count: file.lineCount,
        source_batch_id: file.sourceBatchId ?? null,
        source_kind: file.sourceKind ?? null,
      }));
      statements.push({
        sql: this.insertRowsSql('batch_files', FILE_COLUMN_LIST, ours),
        params: [JSON.stringify(rows), options.id, token],
      });
    }
    const [changed] = await this.database.transaction(statements);
    return (changed ?? 0) > 0;
  }

  /** Removes a finished job, its lines and its result files (Anthropic's DELETE). */
  async deleteJob(id: string): Promise<boolean> {
    const changes = await this.database.transaction([
      { sql: 'DELETE FROM batch_files WHERE source_batch_id = ?', params: [id] },
      { sql: 'DELETE FROM batch_lines WHERE batch_id = ?', params: [id] },
      { sql: 'DELETE FROM batch_jobs WHERE id = ?', params: [id] },
    ]);
    return (changes[2] ?? 0) > 0;
  }
}
