import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { BatchDatabase, BatchDialect, BatchStatement } from './batch-database.js';

type Statement = Database.Statement<unknown[], Record<string, unknown>>;

/** The most prepared statements kept; the store uses a few dozen. */
const MAX_PREPARED = 128;

/**
 * The job store in one SQLite file (WAL, so a killed process loses no committed write). Calls run on
 * the caller's thread: each is a single indexed statement or one transaction of a few statements, so
 * they take microseconds; creating a 50,000-line batch is the one that takes longer (about 0.1 s).
 */
export class SqliteBatchDatabase implements BatchDatabase {
  readonly dialect = 'sqlite' as const;
  private readonly database: Database.Database;
  private readonly statements = new Map<string, Statement>();

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.database = new Database(path);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    this.database.pragma('busy_timeout = 5000');
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      if (this.statements.size >= MAX_PREPARED) this.statements.clear();
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  async migrate(migrations: (dialect: BatchDialect) => string[][]): Promise<void> {
    this.database.exec(
      'CREATE TABLE IF NOT EXISTS batch_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)',
    );
    const apply = this.database.transaction(() => {
      const applied = new Set(
        (this.database.prepare('SELECT version FROM batch_migrations').all() as { version: number }[]).map(
          (row) => row.version,
        ),
      );
      for (const [index, statements] of migrations('sqlite').entries()) {
        const version = index + 1;
        if (applied.has(version)) continue;
        for (const statement of statements) this.database.exec(statement);
        this.database
          .prepare('INSERT INTO batch_migrations (version, applied_at) VALUES (?, ?)')
          .run(version, Date.now());
      }
    });
    // IMMEDIATE takes the write lock first, so two processes starting at once apply each migration once.
    apply.immediate();
  }

  async all(statement: BatchStatement): Promise<Record<string, unknown>[]> {
    return this.prepare(statement.sql).all(...statement.params);
  }

  async run(statement: BatchStatement): Promise<number> {
    return this.prepare(statement.sql).run(...statement.params).changes;
  }

  async transaction(statements: readonly BatchStatement[]): Promise<number[]> {
    const work = this.database.transaction(() =>
      statements.map((statement) => this.prepare(statement.sql).run(...statement.params).changes),
    );
    return work.immediate();
  }

  async ping(): Promise<boolean> {
    try {
      return this.prepare('SELECT 1 AS ok').all().length === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }
}
