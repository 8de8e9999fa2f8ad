import type { AttemptRecord, FeedbackRecord, RequestRecord } from './ledger-record.js';
import type { SqlDialect } from './ledger-schema.js';

/** A value bound to a SQL parameter or read from a row. */
export type SqlValue = string | number | boolean | null;

/** How a record field is stored. */
type ColumnKind = 'text' | 'integer' | 'real' | 'boolean';

/** One field of a record and its column. */
export interface ColumnSpec<Record> {
  /** The column name. */
  column: string;
  /** The record field. */
  field: keyof Record & string;
  /** The storage kind. */
  kind: ColumnKind;
  /** Whether null is a legal value. */
  nullable: boolean;
  /** Longest text kept; longer text is cut (and reported as a problem) so one row cannot bloat the ledger. */
  maxLength?: number;
}

function text<R>(column: string, field: keyof R & string, options: { nullable?: boolean; maxLength?: number } = {}) {
  return {
    column,
    field,
    kind: 'text',
    nullable: options.nullable ?? false,
    maxLength: options.maxLength ?? 256,
  } satisfies ColumnSpec<R>;
}

function integer<R>(column: string, field: keyof R & string, nullable = false): ColumnSpec<R> {
  return { column, field, kind: 'integer', nullable };
}

function real<R>(column: string, field: keyof R & string, nullable = false): ColumnSpec<R> {
  return { column, field, kind: 'real', nullable };
}

function boolean<R>(column: string, field: keyof R & string): ColumnSpec<R> {
  return { column, field, kind: 'boolean', nullable: false };
}

function tokenColumns<R extends RequestRecord | AttemptRecord>(): ColumnSpec<R>[] {
  return [
    integer<R>('uncached_input_tokens', 'uncachedInputTokens'),
    integer<R>('cache_read_input_tokens', 'cacheReadInputTokens'),
    integer<R>('cache_write_input_tokens', 'cacheWriteInputTokens'),
    integer<R>('cache_write_1h_input_tokens', 'cacheWrite1hInputTokens'),
    integer<R>('output_tokens', 'outputTokens'),
    integer<R>('reasoning_tokens', 'reasoningTokens'),
  ];
}

/** Columns of `ledger_requests`, in table order. */
export const REQUEST_COLUMNS: readonly ColumnSpec<RequestRecord>[] = [
  text<RequestRecord>('request_id', 'requestId'),
  integer<RequestRecord>('started_at', 'startedAt'),
  text<RequestRecord>('tenant', 'tenant'),
  text<RequestRecord>('feature', 'feature'),
  text<RequestRecord>('key_id', 'keyId', { nullable: true }),
  text<RequestRecord>('protocol', 'protocol'),
  text<RequestRecord>('requested_model', 'requestedModel'),
  text<RequestRecord>('route_rule', 'routeRule'),
  text<RequestRecord>('route_reason', 'routeReason', { maxLength: 2000 }),
  text<RequestRecord>('tier', 'tier', { nullable: true }),
  text<RequestRecord>('provider', 'provider', { nullable: true }),
  text<RequestRecord>('model', 'model', { nullable: true }),
  ...tokenColumns<RequestRecord>(),
  text<RequestRecord>('usage_source', 'usageSource'),
  real<RequestRecord>('cost_usd', 'costUsd'),
  real<RequestRecord>('counterfactual_cost_usd', 'counterfactualCostUsd'),
  text<RequestRecord>('cache_status', 'cacheStatus'),
  real<RequestRecord>('latency_ms', 'latencyMs'),
  real<RequestRecord>('ttft_ms', 'ttftMs', true),
  real<RequestRecord>('overhead_ms', 'overheadMs'),
  integer<RequestRecord>('attempts', 'attempts'),
  boolean<RequestRecord>('stream', 'stream'),
  boolean<RequestRecord>('batch', 'batch'),
  text<RequestRecord>('outcome', 'outcome'),
  text<RequestRecord>('error_code', 'errorCode', { nullable: true }),
  integer<RequestRecord>('http_status', 'httpStatus'),
  text<RequestRecord>('shadow_of', 'shadowOf', { nullable: true }),
  boolean<RequestRecord>('priced', 'priced'),
  // Added by migration 3, so last: PostgreSQL's batch insert relies on table order.
  real<RequestRecord>('live_cost_usd', 'liveCostUsd', true),
];

/** Columns of `ledger_attempts`, in table order. */
export const ATTEMPT_COLUMNS: readonly ColumnSpec<AttemptRecord>[] = [
  text<AttemptRecord>('request_id', 'requestId'),
  integer<AttemptRecord>('attempt_index', 'attemptIndex'),
  text<AttemptRecord>('provider', 'provider'),
  text<AttemptRecord>('model', 'model'),
  integer<AttemptRecord>('started_at', 'startedAt'),
  real<AttemptRecord>('latency_ms', 'latencyMs'),
  real<AttemptRecord>('ttft_ms', 'ttftMs', true),
  text<AttemptRecord>('outcome', 'outcome'),
  text<AttemptRecord>('error_code', 'errorCode', { nullable: true }),
  integer<AttemptRecord>('http_status', 'httpStatus', true),
  ...tokenColumns<AttemptRecord>(),
  text<AttemptRecord>('usage_source', 'usageSource'),
  real<AttemptRecord>('cost_usd', 'costUsd'),
];

/** Columns of `ledger_feedback` other than its generated `feedback_id`, in table order. */
export const FEEDBACK_COLUMNS: readonly ColumnSpec<FeedbackRecord>[] = [
  text<FeedbackRecord>('request_id', 'requestId'),
  integer<FeedbackRecord>('at', 'at'),
  real<FeedbackRecord>('score', 'score', true),
  text<FeedbackRecord>('label', 'label', { nullable: true }),
  text<FeedbackRecord>('comment', 'comment', { nullable: true, maxLength: 4000 }),
];

/**
 * A copy of a record that the database will accept: whole numbers where the column is an integer,
 * finite numbers, strings within bounds. Every change is named in `problems` so the caller logs it
 * (no silent mutation); the record is still written, because losing a billed request is worse.
 */
export function normaliseRecord<R extends object>(
  record: R,
  columns: readonly ColumnSpec<R>[],
): { record: R; problems: string[] } {
  const source = record as Record<string, unknown>;
  const result: Record<string, unknown> = { ...source };
  const problems: string[] = [];
  for (const spec of columns) {
    const value = source[spec.field];
    if (value === null || value === undefined) {
      if (!spec.nullable) {
        problems.push(`${spec.field} missing`);
        result[spec.field] = spec.kind === 'text' ? '' : spec.kind === 'boolean' ? false : 0;
      } else {
        result[spec.field] = null;
      }
      continue;
    }
    switch (spec.kind) {
      case 'text': {
        let string = typeof value === 'string' ? value : String(value);
        if (typeof value !== 'string') problems.push(`${spec.field} is not a string`);
        // PostgreSQL text cannot hold NUL; one such character would make the row unstorable.
        if (string.includes('\u0000')) {
          problems.push(`${spec.field} had NUL characters removed`);
          string = string.replaceAll('\u0000', '');
        }
        const maxLength = spec.maxLength ?? 256;
        if (string.length > maxLength) problems.push(`${spec.field} cut to ${maxLength} characters`);
        result[spec.field] = string.length > maxLength ? string.slice(0, maxLength) : string;
        break;
      }
      case 'integer':
      case 'real': {
        const number = typeof value === 'number' ? value : Number(value);
        if (!Number.isFinite(number)) {
          problems.push(`${spec.field} is not a finite number`);
          result[spec.field] = spec.nullable ? null : 0;
        } else {
          result[spec.field] = spec.kind === 'integer' ? Math.round(number) : number;
        }
        break;
      }
      case 'boolean':
        result[spec.field] = value === true || value === 1;
        break;
      default:
        spec.kind satisfies never;
    }
  }
  return { record: result as R, problems };
}

/** A normalised record as a row keyed by column name, in the dialect's value types. */
export function toRow<R extends object>(
  record: R,
  columns: readonly ColumnSpec<R>[],
  dialect: SqlDialect,
): Record<string, SqlValue> {
  const source = record as Record<string, unknown>;
  const row: Record<string, SqlValue> = {};
  for (const spec of columns) {
    const value = source[spec.field] as SqlValue | undefined;
    // better-sqlite3 binds no booleans; SQLite has no boolean type anyway.
    if (spec.kind === 'boolean') row[spec.column] = dialect === 'sqlite' ? (value ? 1 : 0) : Boolean(value);
    else row[spec.column] = value ?? null;
  }
  return row;
}

/** A row read back from either database as a record (PostgreSQL returns BIGINT as a string). */
export function fromRow<R extends object>(row: Record<string, unknown>, columns: readonly ColumnSpec<R>[]): R {
  const record: Record<string, unknown> = {};
  for (const spec of columns) {
    const value = row[spec.column];
    if (value === null || value === undefined) record[spec.field] = null;
    else if (spec.kind === 'text') record[spec.field] = String(value);
    else if (spec.kind === 'boolean') record[spec.field] = value === true || value === 1 || value === '1';
    else record[spec.field] = Number(value);
  }
  return record as R;
}

/** Rows of each table for a batch of ledger entries. */
export interface LedgerRows {
  requests: Record<string, SqlValue>[];
  attempts: Record<string, SqlValue>[];
  feedback: Record<string, SqlValue>[];
}

/** Entries (requests with attempts, feedback) as rows per table, in the dialect's value types. */
export function toLedgerRows(
  entries: readonly (
    | { kind: 'request'; request: RequestRecord; attempts: AttemptRecord[] }
    | { kind: 'feedback'; feedbackId: string; feedback: FeedbackRecord }
  )[],
  dialect: SqlDialect,
): LedgerRows {
  const rows: LedgerRows = { requests: [], attempts: [], feedback: [] };
  for (const entry of entries) {
    if (entry.kind === 'request') {
      rows.requests.push(toRow(entry.request, REQUEST_COLUMNS, dialect));
      for (const attempt of entry.attempts) rows.attempts.push(toRow(attempt, ATTEMPT_COLUMNS, dialect));
    } else {
      rows.feedback.push({ feedback_id: entry.feedbackId, ...toRow(entry.feedback, FEEDBACK_COLUMNS, dialect) });
    }
  }
  return rows;
}
