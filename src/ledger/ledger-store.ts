import type { SqlValue } from './ledger-columns.js';
import type { AttemptRecord, FeedbackRecord, RequestRecord } from './ledger-record.js';
import type { SqlDialect } from './ledger-schema.js';

/** One unit the ledger writes atomically: a request with its attempts, or a feedback. */
export type LedgerEntry =
  | {
      /** A settled request. */
      kind: 'request';
      /** The request row. */
      request: RequestRecord;
      /** Its upstream attempts, in order. */
      attempts: AttemptRecord[];
    }
  | {
      /** A quality signal. */
      kind: 'feedback';
      /** Generated when the feedback is recorded, so that replaying it twice writes it once. */
      feedbackId: string;
      /** The feedback row. */
      feedback: FeedbackRecord;
    };

/** Read access to the ledger's tables, shared by both databases. Reports are written against this. */
export interface LedgerReader {
  /** Which SQL flavour `all` accepts. */
  readonly dialect: SqlDialect;
  /**
   * Runs one read query with `?` placeholders and returns its rows. Numbers may come back as
   * strings (PostgreSQL BIGINT, NUMERIC): read them with `Number()`.
   */
  all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]>;
}

/** A database holding the ledger. */
export interface LedgerStore extends LedgerReader {
  /** Applies the migrations not yet applied; safe to call at every start and from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Writes entries in one transaction. Idempotent: an entry already present (same request id,
   * attempt index or feedback id) is left as it is, so a journal may be replayed any number of times.
   */
  write(entries: readonly LedgerEntry[]): Promise<void>;
  /**
   * Optional: writes the entries of whole journal lines (JSON, one per line) in one transaction, as
   * {@link LedgerStore.write} would, parsing them itself (off the event loop). Rejects, writing
   * nothing, on any line or row it cannot store; the caller then parses and writes entry by entry.
   */
  writeJournalText?(text: string): Promise<void>;
  /**
   * Whether a failed write will fail again however often it is retried (the data is at fault, not
   * the database's availability), so the entry must be set aside rather than retried.
   */
  isPermanentError(error: unknown): boolean;
  /** Whether the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Releases connections and file handles. */
  close(): Promise<void>;
}
