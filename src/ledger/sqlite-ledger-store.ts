import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  ATTEMPT_COLUMNS,
  type ColumnSpec,
  FEEDBACK_COLUMNS,
  type LedgerRows,
  REQUEST_COLUMNS,
  type SqlValue,
  toLedgerRows,
} from './ledger-columns.js';
import { createMigrationsTableSql, LEDGER_MIGRATIONS, MIGRATIONS_TABLE } from './ledger-schema.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';
import {
  type SqliteJournalLayout,
  type SqliteJournalTable,
  type SqliteTableRows,
  SqliteWorker,
} from './sqlite-worker.js';
import { rollupInsertSql } from './usage-rollup.js';

/** Options for {@link SqliteLedgerStore}. */
export interface SqliteLedgerStoreOptions {
  /** The database file (created with its folder unless `mustExist`). */
  path: string;
  /** Fail instead of creating a new, empty ledger (for `tollgate report`). */
  mustExist?: boolean;
}

type Statement = Database.Statement<unknown[], Record<string, unknown>>;

function insertSql(table: string, columns: readonly string[]): string {
  // OR IGNORE makes replays idempotent: a row already written is left as it is.
  return `INSERT OR IGNORE INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((column) => `@${column}`).join(', ')})`;
}

const INSERT_REQUEST = insertSql(
  'ledger_requests',
  REQUEST_COLUMNS.map((spec) => spec.column),
);
const INSERT_ATTEMPT = insertSql(
  'ledger_attempts',
  ATTEMPT_COLUMNS.map((spec) => spec.column),
);
const INSERT_FEEDBACK = insertSql('ledger_feedback', ['feedback_id', ...FEEDBACK_COLUMNS.map((spec) => spec.column)]);

/** Adds the requests a batch actually inserted (their ids bound as one JSON array) to the daily rollup. */
const ROLLUP_NEW_REQUESTS = rollupInsertSql(
  'ledger_requests WHERE request_id IN (SELECT value FROM json_each(?))',
  'sqlite',
);

function journalTable<R>(table: string, columns: readonly ColumnSpec<R>[], firstColumn?: string): SqliteJournalTable {
  const names = [...(firstColumn === undefined ? [] : [firstColumn]), ...columns.map((spec) => spec.column)];
  return {
    sql: `INSERT OR IGNORE INTO ${table} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
    fields: columns.map((spec) => spec.field),
    booleans: columns.map((spec) => spec.kind === 'boolean'),
  };
}

/** The same rows as {@link toTables} would give, bound in the worker from journal lines. */
const JOURNAL_LAYOUT: SqliteJournalLayout = {
  request: journalTable('ledger_requests', REQUEST_COLUMNS),
  attempt: journalTable('ledger_attempts', ATTEMPT_COLUMNS),
  feedback: journalTable('ledger_feedback', FEEDBACK_COLUMNS, 'feedback_id'),
  rollupSql: ROLLUP_NEW_REQUESTS,
};

function toTables(rows: LedgerRows): SqliteTableRows[] {
  return [
    { sql: INSERT_REQUEST, rows: rows.requests, trackKey: 'request_id' },
    { sql: INSERT_ATTEMPT, rows: rows.attempts },
    { sql: INSERT_FEEDBACK, rows: rows.feedback },
  ].filter((table) => table.rows.length > 0);
}

/**
 * The ledger in one SQLite file in WAL mode. Migrations run on the caller's connection when the
 * store opens; batch writes and report queries run in a {@link SqliteWorker}, off the event loop.
 * `writeSync` and `allSync` use the caller's connection, for scripts and tools.
 */
export class SqliteLedgerStore implements LedgerStore {
  readonly dialect = 'sqlite' as const;
  readonly path: string;
  private readonly database: Database.Database;
  private readonly statements = new Map<string, Statement>();
  private readonly worker: SqliteWorker;

  constructor(options: SqliteLedgerStoreOptions) {
    this.path = options.path;
    if (!options.mustExist) mkdirSync(dirname(options.path), { recursive: true });
    this.database = new Database(options.path, { fileMustExist: options.mustExist ?? false });
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 5000');
    this.migrateSync();
    this.worker = new SqliteWorker(options.path, JOURNAL_LAYOUT);
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

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= 128) this.statements.clear();
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Writes entries in one transaction on the caller's thread (bulk loads, tools). */
  writeSync(entries: readonly LedgerEntry[]): void {
    const tables = toTables(toLedgerRows(entries, 'sqlite'));
    this.database.transaction(() => {
      const inserted: SqlValue[] = [];
      for (const table of tables) {
        const statement = this.prepare(table.sql);
        for (const row of table.rows) {
          const result = statement.run(row);
          if (table.trackKey && result.changes > 0) inserted.push(row[table.trackKey] ?? null);
        }
      }
      if (inserted.length > 0) this.prepare(ROLLUP_NEW_REQUESTS).run(JSON.stringify(inserted));
    })();
  }

  /** Writes entries in one transaction in the worker thread. */
  async write(entries: readonly LedgerEntry[]): Promise<void> {
    const tables = toTables(toLedgerRows(entries, 'sqlite'));
    if (tables.length > 0) await this.worker.write(tables, ROLLUP_NEW_REQUESTS);
  }

  /** Writes the entries of whole journal lines in one transaction, parsed in the worker thread. */
  async writeJournalText(text: string): Promise<void> {
    await this.worker.writeJournalText(text);
  }

  /** Runs a read query on the caller's thread (tools; the gateway uses `all`). */
  allSync(sql: string, params: readonly SqlValue[]): Record<string, unknown>[] {
    return this.prepare(sql).all(...params.map((value) => (typeof value === 'boolean' ? Number(value) : value)));
  }

  /** Runs a read query in the worker thread, off the event loop that serves requests. */
  all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    return this.worker.all(sql, params);
  }

  isPermanentError(error: unknown): boolean {
    // Binding errors (TypeError, RangeError) and constraint or type violations recur on every retry;
    // BUSY, FULL, IOERR and READONLY depend on the machine and may clear.
    const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
    if (name === 'TypeError' || name === 'RangeError') return true;
    return (
      typeof code === 'string' &&
      (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG')
    );
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.worker.all('SELECT 1 AS ok', [])).length === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
    if (this.database.open) this.database.close();
  }
}
