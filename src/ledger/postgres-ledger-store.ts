import type pg from 'pg';
import { createPostgresPool, migrateLocked, numberPlaceholders, pingPool } from '../postgres/postgres-pool.js';
import { type SqlValue, toLedgerRows } from './ledger-columns.js';
import { createMigrationsTableSql, LEDGER_MIGRATIONS, MIGRATIONS_TABLE } from './ledger-schema.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';
import { rollupInsertSql } from './usage-rollup.js';

/** Options for {@link PostgresLedgerStore}. */
export interface PostgresLedgerStoreOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** The schema holding the ledger's tables (created if missing); default: the server's search path. */
  schema?: string;
  /** Most connections held open (default 4: writes are batched, reports are few). */
  maxConnections?: number;
  /** Called with errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/**
 * One statement writes a whole batch: the rows travel as three JSON parameters that PostgreSQL
 * expands with `json_populate_recordset`, so a batch is one round trip and one transaction whatever
 * its size, with no 65,535-parameter ceiling. `ON CONFLICT DO NOTHING` makes replays idempotent,
 * and the daily rollup sums only the requests this statement actually inserted (`RETURNING`).
 */
const WRITE_BATCH_SQL = `WITH inserted AS (
  INSERT INTO ledger_requests SELECT * FROM json_populate_recordset(NULL::ledger_requests, $1::json)
  ON CONFLICT DO NOTHING
  RETURNING *
), attempts AS (
  INSERT INTO ledger_attempts SELECT * FROM json_populate_recordset(NULL::ledger_attempts, $2::json)
  ON CONFLICT DO NOTHING
), feedback AS (
  INSERT INTO ledger_feedback SELECT * FROM json_populate_recordset(NULL::ledger_feedback, $3::json)
  ON CONFLICT DO NOTHING
)
${rollupInsertSql('inserted WHERE true', 'postgres')}`;

/** The ledger in PostgreSQL: the same tables and migrations as SQLite, written in batches. */
export class PostgresLedgerStore implements LedgerStore {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;

  constructor(options: PostgresLedgerStoreOptions) {
    this.schema = options.schema;
    this.pool = createPostgresPool({
      url: options.url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      maxConnections: options.maxConnections ?? 4,
      queryTimeoutMs: 30_000,
      ...(options.onPoolError === undefined ? {} : { onPoolError: options.onPoolError }),
    });
  }

  async migrate(): Promise<void> {
    // Several gateway instances may start at once: the lock makes them apply each migration once.
    await migrateLocked({
      pool: this.pool,
      lockName: 'tollgate-ledger',
      schema: this.schema,
      apply: async (client) => {
        await client.query(createMigrationsTableSql('postgres'));
        const applied = new Set(
          (await client.query<{ version: string }>(`SELECT version FROM ${MIGRATIONS_TABLE}`)).rows.map((row) =>
            Number(row.version),
          ),
        );
        for (const migration of LEDGER_MIGRATIONS) {
          if (applied.has(migration.version)) continue;
          for (const statement of migration.statements('postgres')) await client.query(statement);
          await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, name, applied_at) VALUES ($1, $2, $3)`, [
            migration.version,
            migration.name,
            Date.now(),
          ]);
        }
      },
    });
  }

  async write(entries: readonly LedgerEntry[]): Promise<void> {
    const rows = toLedgerRows(entries, 'postgres');
    if (rows.requests.length + rows.feedback.length === 0) return;
    await this.pool.query(WRITE_BATCH_SQL, [
      JSON.stringify(rows.requests),
      JSON.stringify(rows.attempts),
      JSON.stringify(rows.feedback),
    ]);
  }

  async all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(numberPlaceholders(sql), [...params]);
    return result.rows as Record<string, unknown>[];
  }

  isPermanentError(error: unknown): boolean {
    // SQLSTATE class 22 (data exception) and 23 (integrity constraint) recur on every retry.
    const code = (error as { code?: unknown } | null)?.code;
    return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
  }

  ping(): Promise<boolean> {
    return pingPool(this.pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
