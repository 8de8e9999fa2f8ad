import { randomUUID } from 'node:crypto';
import { queryUsage } from '../report/query-usage.js';
import { recentRequests } from '../report/recent-requests.js';
import { requestDetail } from '../report/request-detail.js';
import { timeSeries } from '../report/time-series.js';
import { emptyUsageSums, toUsageTotals } from '../report/usage-totals.js';
import { JournalDrain } from './journal-drain.js';
import type { Ledger, LedgerConfig, LedgerStats } from './ledger.js';
import { ATTEMPT_COLUMNS, FEEDBACK_COLUMNS, normaliseRecord, REQUEST_COLUMNS } from './ledger-columns.js';
import { LedgerJournal } from './ledger-journal.js';
import { createLedgerLogger, type LedgerLogger } from './ledger-logger.js';
import type { AttemptRecord, FeedbackRecord, RequestRecord } from './ledger-record.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';

/** Options for {@link createLedger}. */
export interface CreateLedgerOptions {
  /** Where failures are logged (default: the gateway's logger). */
  logger?: LedgerLogger;
}

interface StoreLedgerParts {
  kind: 'sqlite' | 'postgres';
  store: LedgerStore;
  journal: LedgerJournal;
  logger: LedgerLogger;
}

class StoreLedger implements Ledger {
  readonly kind: 'sqlite' | 'postgres';
  private readonly parts: StoreLedgerParts;
  private readonly counters = { storeFailures: 0, setAside: 0, lost: 0 };
  private recordedRequests = 0;
  private recordedFeedback = 0;
  private correctedRecords = 0;
  private migrated: Promise<void> | undefined;
  private closed = false;
  readonly drain: JournalDrain;

  constructor(parts: StoreLedgerParts) {
    this.kind = parts.kind;
    this.parts = parts;
    this.drain = new JournalDrain({
      journal: parts.journal,
      store: parts.store,
      logger: parts.logger,
      counters: this.counters,
      prepare: () => this.ready(),
    });
  }

  /** Migrations, once; retried on the next call after a failure (the database may come back). */
  ready(): Promise<void> {
    this.migrated ??= this.parts.store.migrate().catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    return this.migrated;
  }

  recordRequest(request: RequestRecord, attempts: AttemptRecord[]): void {
    try {
      const problems: string[] = [];
      const normalised = normaliseRecord(request, REQUEST_COLUMNS);
      problems.push(...normalised.problems);
      // Every row this version writes carries its live-price cost, so that only rows older than
      // migration 3 need the "NULL reads as cost_usd" rule. Absent means nothing was discounted.
      if (normalised.record.liveCostUsd === null) normalised.record.liveCostUsd = normalised.record.costUsd;
      const normalisedAttempts = attempts.map((attempt, index) => {
        const result = normaliseRecord(attempt, ATTEMPT_COLUMNS);
        problems.push(...result.problems.map((problem) => `attempts[${index}].${problem}`));
        if (result.record.requestId !== normalised.record.requestId) {
          problems.push(`attempts[${index}].requestId differs from the request's`);
          result.record.requestId = normalised.record.requestId;
        }
        return result.record;
      });
      this.noteProblems(normalised.record.requestId, problems);
      if (this.persist({ kind: 'request', request: normalised.record, attempts: normalisedAttempts })) {
        this.recordedRequests += 1;
      }
    } catch (error) {
      this.counters.lost += 1;
      this.parts.logger.error({ err: error, requestId: request?.requestId }, 'ledger could not record a request');
    }
  }

  recordFeedback(feedback: FeedbackRecord): void {
    try {
      const normalised = normaliseRecord(feedback, FEEDBACK_COLUMNS);
      this.noteProblems(normalised.record.requestId, normalised.problems);
      if (this.persist({ kind: 'feedback', feedbackId: randomUUID(), feedback: normalised.record })) {
        this.recordedFeedback += 1;
      }
    } catch (error) {
      this.counters.lost += 1;
      this.parts.logger.error({ err: error, requestId: feedback?.requestId }, 'ledger could not record feedback');
    }
  }

  private noteProblems(requestId: string, problems: string[]): void {
    if (problems.length === 0) return;
    this.correctedRecords += 1;
    this.parts.logger.warn({ requestId, problems }, 'ledger record had fields that were corrected');
  }

  /**
   * Makes an entry durable: one line appended to the journal with a synchronous write (in the
   * page cache before this returns, so a process kill cannot lose it), then written to the store
   * in batches by the drain. When the disk refuses, the entry is held in memory instead.
   */
  private persist(entry: LedgerEntry): boolean {
    if (this.closed) {
      this.counters.lost += 1;
      this.parts.logger.error({ kind: entry.kind }, 'ledger entry recorded after close; dropped');
      return false;
    }
    try {
      this.parts.journal.append(entry);
      this.drain.appended();
      return true;
    } catch (error) {
      if (this.drain.hold(entry)) {
        this.parts.logger.error({ err: error }, 'ledger journal write failed; entry held in memory');
        return true;
      }
      this.counters.lost += 1;
      this.parts.logger.error({ err: error }, 'ledger journal write failed and memory is full; entry lost');
      return false;
    }
  }

  flush(): Promise<void> {
    return this.drain.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } catch (error) {
      this.parts.logger.warn(
        { err: error, pendingBytes: this.parts.journal.pendingBytes },
        'ledger closed with entries not yet stored; they stay journaled and are replayed at the next start',
      );
    }
    this.closed = true;
    await this.drain.stop();
    this.parts.journal.close();
    await this.parts.store.close();
  }

  async ping(): Promise<boolean> {
    try {
      await this.ready();
    } catch {
      return false;
    }
    return this.parts.store.ping();
  }

  stats(): LedgerStats {
    return {
      kind: this.kind,
      recordedRequests: this.recordedRequests,
      recordedFeedback: this.recordedFeedback,
      pendingJournalBytes: this.closed ? 0 : this.parts.journal.pendingBytes,
      heldEntries: this.drain.heldEntries,
      ...this.counters,
      correctedRecords: this.correctedRecords,
    };
  }

  async queryUsage(query: Parameters<Ledger['queryUsage']>[0]) {
    await this.ready();
    return queryUsage(this.parts.store, query);
  }

  async recentRequests(query: Parameters<Ledger['recentRequests']>[0]) {
    await this.ready();
    return recentRequests(this.parts.store, query);
  }

  async requestDetail(requestId: string) {
    await this.ready();
    return requestDetail(this.parts.store, requestId);
  }

  async timeSeries(query: Parameters<Ledger['timeSeries']>[0]) {
    await this.ready();
    return timeSeries(this.parts.store, query);
  }
}

function createOffLedger(): Ledger {
  return {
    kind: 'off',
    recordRequest() {},
    recordFeedback() {},
    flush: async () => {},
    close: async () => {},
    ping: async () => true,
    stats: () => ({
      kind: 'off',
      recordedRequests: 0,
      recordedFeedback: 0,
      pendingJournalBytes: 0,
      heldEntries: 0,
      storeFailures: 0,
      setAside: 0,
      lost: 0,
      correctedRecords: 0,
    }),
    queryUsage: async (query) => ({
      from: query.from,
      to: query.to,
      groupBy: [...query.groupBy],
      rows: [],
      totals: toUsageTotals(emptyUsageSums()),
    }),
    recentRequests: async () => [],
    requestDetail: async () => null,
    timeSeries: async () => [],
  };
}

/**
 * Opens the ledger: migrates the store, replays entries left in the journal by a previous run
 * that was killed, and returns a {@link Ledger}. A PostgreSQL server that is down at start is not
 * fatal: requests are journaled and written when it returns (`ping()` says false meanwhile).
 * See docs/decisions/ledger-durability.md.
 */
export async function createLedger(config: LedgerConfig, options: CreateLedgerOptions = {}): Promise<Ledger> {
  if (config.kind === 'off') return createOffLedger();
  const logger = options.logger ?? createLedgerLogger();
  let parts: StoreLedgerParts;
  // Each store is imported when configured: pg costs ~14 MB of resident memory and better-sqlite3 ~5 MB,
  // which a gateway using the other store (or none) should not pay.
  if (config.kind === 'sqlite') {
    const { SqliteLedgerStore } = await import('./sqlite-ledger-store.js');
    parts = {
      kind: 'sqlite',
      store: new SqliteLedgerStore({ path: config.path }),
      journal: new LedgerJournal({ directory: `${config.path}.pending` }),
      logger,
    };
  } else {
    const { PostgresLedgerStore } = await import('./postgres-ledger-store.js');
    const store = new PostgresLedgerStore({
      url: config.url,
      ...(config.schema === undefined ? {} : { schema: config.schema }),
      onPoolError: (error) => logger.warn({ err: error }, 'PostgreSQL ledger connection error'),
    });
    parts = { kind: 'postgres', store, journal: new LedgerJournal({ directory: config.journalDir }), logger };
  }
  const ledger = new StoreLedger(parts);
  const journal = parts.journal;
  const recoveredBytes = journal.recover();
  try {
    await ledger.drain.flush();
    if (recoveredBytes > 0) logger.warn({ recoveredBytes }, 'ledger replayed entries journaled by an earlier run');
  } catch (error) {
    logger.error(
      { err: error, pendingBytes: journal.pendingBytes },
      `${config.kind} ledger unreachable at start; entries are journaled until it answers`,
    );
  }
  return ledger;
}
