import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ATTEMPT_COLUMNS, FEEDBACK_COLUMNS, REQUEST_COLUMNS, type SqlValue, toRow } from './ledger-columns.js';
import { createMigrationsTableSql, LEDGER_MIGRATIONS, MIGRATIONS_TABLE } from './ledger-schema.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';
import { SqliteQueryWorker } from './sqlite-query-worker.js';

/** Options for {@link SqliteLedgerStore}. */
export interface SqliteLedgerStoreOptions {
  /** The database file (created with its folder unless `mustExist`). */
  path: string;
  /** Fail instead of creating a new, empty ledger (for `tollgate report`). */
  mustExist?: boolean;
  /** How long a write waits for another process's write lock, in milliseconds (default 2000). */
  busyTimeoutMs?: number;
}

type Statement = Database.Statement<unknown[], Record<string, unknown>>;

function insertSql(table: string, columns: readonly string[]): string {
  // OR IGNORE makes replays idempotent: a row already written is left as it is.
  return `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`;
}

/** Prepared statements kept for report queries; their shapes are few, but bound them anyway. */
const MAX_CACHED_STATEMENTS = 128;

/**
 * The ledger in one SQLite file, in WAL mode with `synchronous=NORMAL`: a committed write is in the
 * WAL file before `writeSync` returns, so it survives the process being killed (not a power cut),
 * and costs tens of microseconds, so it can run on the request path.
 */
export class SqliteLedgerStore implements LedgerStore {
  readonly dialect = 'sqlite' as const;
  readonly path: string;
  private readonly database: Database.Database;
  private readonly insertRequest: Statement;
  private readonly insertAttempt: Statement;
  private readonly insertFeedback: Statement;
  private readonly writeTransaction: (entries: readonly LedgerEntry[]) => void;
  private readonly queryStatements = new Map<string, Statement>();
  private readonly queryWorker: SqliteQueryWorker;

  constructor(options: SqliteLedgerStoreOptions) {
    this.path = options.path;
    if (!options.mustExist) mkdirSync(dirname(options.path), { recursive: true });
    this.database = new Database(options.path, { fileMustExist: options.mustExist ?? false });
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 2000}`);
    this.migrateSync();
    this.queryWorker = new SqliteQueryWorker(options.path);
    this.insertRequest = this.database.prepare(
      insertSql(
        'ledger_requests',
        REQUEST_COLUMNS.map((spec) => spec.column),
      ),
    );
    this.insertAttempt = this.database.prepare(
      insertSql(
        'ledger_attempts',
        ATTEMPT_COLUMNS.map((spec) => spec.column),
      ),
    );
    this.insertFeedback = this.database.prepare(
      insertSql('ledger_feedback', ['feedback_id', ...FEEDBACK_COLUMNS.map((spec) => spec.column)]),
    );
    this.writeTransaction = this.database.transaction((entries: readonly LedgerEntry[]) => {
      for (const entry of entries) {
        if (entry.kind === 'request') {
          this.insertRequest.run(toRow(entry.request, REQUEST_COLUMNS, 'sqlite'));
          for (const attempt of entry.attempts) this.insertAttempt.run(toRow(attempt, ATTEMPT_COLUMNS, 'sqlite'));
        } else {
          this.insertFeedback.run({
            feedback_id: entry.feedbackId,
            ...toRow(entry.feedback, FEEDBACK_COLUMNS, 'sqlite'),
          });
        }
      }
    });
  }

  /** Applies pending migrations under SQLite's write lock, so concurrent starts apply each once. */
  private migrateSync(): void {
    this.database.exec(createMigrationsTableSql('sqlite'));
    const apply = this.database.transaction(() => {
      const applied = new Set(
        (this.database.prepare(`SELECT version FROM ${MIGRATIONS_TABLE}`).all() as { version: number }[]).map(
          (row) => row.version,
        ),
      );
      for (const migration of LEDGER_MIGRATIONS) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements('sqlite')) this.database.exec(statement);
        this.database
          .prepare(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES (?, ?, ?)`)
          .run(migration.version, migration.name, Date.now());
      }
    });
    apply.immediate();
  }

  async migrate(): Promise<void> {
    this.migrateSync();
  }

  /** Writes entries in one transaction, synchronously. Throws what SQLite throws. */
  writeSync(entries: readonly LedgerEntry[]): void {
    this.writeTransaction(entries);
  }

  async write(entries: readonly LedgerEntry[]): Promise<void> {
    this.writeSync(entries);
  }

  /** Runs a read query synchronously, on the caller's thread (for scripts, not the gateway). */
  allSync(sql: string, params: readonly SqlValue[]): Record<string, unknown>[] {
    let statement = this.queryStatements.get(sql);
    if (!statement) {
      if (this.queryStatements.size >= MAX_CACHED_STATEMENTS) this.queryStatements.clear();
      statement = this.database.prepare(sql);
      this.queryStatements.set(sql, statement);
    }
    return statement.all(...params.map((value) => (typeof value === 'boolean' ? Number(value) : value)));
  }

  /** Runs a read query in a worker thread, off the event loop that serves requests. */
  all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    return this.queryWorker.all(sql, params);
  }

  isPermanentError(error: unknown): boolean {
    // Binding errors (TypeError, RangeError) and constraint or type violations recur on every retry;
    // BUSY, FULL, IOERR and READONLY depend on the machine and may clear.
    if (error instanceof TypeError || error instanceof RangeError) return true;
    const code = (error as { code?: unknown } | null)?.code;
    return (
      typeof code === 'string' &&
      (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
    );
  }

  async ping(): Promise<boolean> {
    try {
      return this.database.prepare('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.queryWorker.close();
    if (this.database.open) this.database.close();
  }
}
