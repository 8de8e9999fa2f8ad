import pg from 'pg';
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

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/i;

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

/** Replaces `?` placeholders with PostgreSQL's `$1…$n` (the ledger's own SQL has no `?` in literals). */
function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** The ledger in PostgreSQL: the same tables and migrations as SQLite, written in batches. */
export class PostgresLedgerStore implements LedgerStore {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;

  constructor(options: PostgresLedgerStoreOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`Invalid PostgreSQL schema name "${options.schema}": use letters, digits and "_"`);
    }
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 30_000,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    this.pool.on('error', (error) => options.onPoolError?.(error));
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Several gateway instances may start at once: the lock makes them apply each migration once.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tollgate-ledger:${this.schema ?? ''}`]);
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
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
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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

  async ping(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
