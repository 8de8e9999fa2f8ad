import type { UsageQuery, UsageReport } from '../report/query-usage.js';
import type { RecentRequestsQuery } from '../report/recent-requests.js';
import type { RequestDetail } from '../report/request-detail.js';
import type { TimeSeriesPoint, TimeSeriesQuery } from '../report/time-series.js';
import type { AttemptRecord, FeedbackRecord, RequestRecord } from './ledger-record.js';

/** Where the ledger lives. */
export type LedgerConfig =
  | {
      kind: 'sqlite';
      /** The database file, created with its folder; its write-ahead journal is the folder `<path>.pending/`. */
      path: string;
    }
  | {
      kind: 'postgres';
      /** A `postgres://` connection string. */
      url: string;
      /**
       * A folder on a local disk for the write-ahead journal; one per machine (instances on the
       * same machine may share it), never shared between machines.
       */
      journalDir: string;
      /** Schema for the ledger's tables (created if missing); default: the connection's search path. */
      schema?: string;
    }
  | { kind: 'off' };

/** Counters for metrics and health. */
export interface LedgerStats {
  /** Which store. */
  kind: LedgerConfig['kind'];
  /** Requests accepted: in the store, the journal, or (disk failing) held in memory. */
  recordedRequests: number;
  /** Feedback records accepted. */
  recordedFeedback: number;
  /** Journal bytes not yet in the store. */
  pendingJournalBytes: number;
  /** Entries held in memory because the journal could not be written. */
  heldEntries: number;
  /** Store writes that failed (the entries were journaled and retried). */
  storeFailures: number;
  /** Entries the store refused for good, kept in the journal folder's `set-aside.jsonl`. */
  setAside: number;
  /** Entries that could be kept nowhere (store, journal and memory all failed). Should stay 0. */
  lost: number;
  /** Records that arrived with fields the ledger had to correct (each one is logged). */
  correctedRecords: number;
}

/**
 * The request ledger. Writes never throw into the caller and never wait on the network; queries
 * read the store, which entries reach about 100 ms after being recorded (or at once after `flush()`).
 */
export interface Ledger {
  /** Which store. */
  readonly kind: LedgerConfig['kind'];
  /**
   * Records a settled request and its attempts, durably before returning: once this returns, the
   * row survives the process being killed. Call it just before the response's last byte is sent
   * (and when the client went away, with what was generated). Costs tens of microseconds; never
   * throws: failures are logged and counted in {@link Ledger.stats}.
   */
  recordRequest(request: RequestRecord, attempts: AttemptRecord[]): void;
  /** Records a quality signal, as durably as {@link Ledger.recordRequest}. Never throws. */
  recordFeedback(feedback: FeedbackRecord): void;
  /** Resolves once everything recorded so far is in the store; rejects when the store is unreachable. */
  flush(): Promise<void>;
  /** Flushes what it can (the rest stays journaled for the next start) and releases the store. */
  close(): Promise<void>;
  /** Whether the store answers (for `/readyz`). */
  ping(): Promise<boolean>;
  /** Counters since start. */
  stats(): LedgerStats;
  /** Spend and tokens over a time range, grouped (`tollgate report`, `GET /admin/usage`). */
  queryUsage(query: UsageQuery): Promise<UsageReport>;
  /** The latest requests first (dashboard). */
  recentRequests(query: RecentRequestsQuery): Promise<RequestRecord[]>;
  /** One request with attempts and feedback, or null (dashboard). */
  requestDetail(requestId: string): Promise<RequestDetail | null>;
  /** Spend and traffic per hour or day, per tenant, feature, model, … (dashboard). */
  timeSeries(query: TimeSeriesQuery): Promise<TimeSeriesPoint[]>;
}
