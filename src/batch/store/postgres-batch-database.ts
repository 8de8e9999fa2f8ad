import pg from 'pg';
import type { BatchDatabase, BatchDialect, BatchStatement } from './batch-database.js';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/i;

/** Options for {@link PostgresBatchDatabase}. */
export interface PostgresBatchDatabaseOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Schema for the job store's tables (created if missing); default: the connection's search path. */
  schema?: string;
  /** Called with errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/** Replaces `?` placeholders with `$1…$n` (the store's SQL has no `?` inside literals). */
function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** The job store in PostgreSQL, shared by every gateway instance that uses the same database. */
export class PostgresBatchDatabase implements BatchDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;

  constructor(options: PostgresBatchDatabaseOptions) {
    if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
      throw new Error(`Invalid PostgreSQL schema name "${options.schema}": use letters, digits and "_"`);
    }
    this.schema = options.schema;
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: 4,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 60_000,
      ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
    });
    this.pool.on('error', (error) => options.onPoolError?.(error));
  }

  async migrate(migrations: (dialect: BatchDialect) => string[][]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Instances starting at once apply each migration once.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`tollgate-batch:${this.schema ?? ''}`]);
      if (this.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
      await client.query(
        'CREATE TABLE IF NOT EXISTS batch_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)',
      );
      const applied = new Set(
        (await client.query<{ version: string }>('SELECT version FROM batch_migrations')).rows.map((row) =>
          Number(row.version),
        ),
      );
      for (const [index, statements] of migrations('postgres').entries()) {
        const version = index + 1;
        if (applied.has(version)) continue;
        for (const statement of statements) await client.query(statement);
        await client.query('INSERT INTO batch_migrations (version, applied_at) VALUES ($1, $2)', [version, Date.now()]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async all(statement: BatchStatement): Promise<Record<string, unknown>[]> {
    const result = await this.pool.query(numberPlaceholders(statement.sql), [...statement.params]);
    return result.rows as Record<string, unknown>[];
  }

  async run(statement: BatchStatement): Promise<number> {
    const result = await this.pool.query(numberPlaceholders(statement.sql), [...statement.params]);
    return result.rowCount ?? 0;
  }

  async transaction(statements: readonly BatchStatement[]): Promise<number[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const changes: number[] = [];
      for (const statement of statements) {
        const result = await client.query(numberPlaceholders(statement.sql), [...statement.params]);
        changes.push(result.rowCount ?? 0);
      }
      await client.query('COMMIT');
      return changes;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
