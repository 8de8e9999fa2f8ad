import type pg from 'pg';
import { createPostgresPool, migrateLocked, numberPlaceholders, pingPool } from '../../postgres/postgres-pool.js';
import type { BatchDatabase, BatchDialect, BatchStatement } from './batch-database.js';

/** Options for {@link PostgresBatchDatabase}. */
export interface PostgresBatchDatabaseOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Schema for the job store's tables (created if missing); default: the connection's search path. */
  schema?: string;
  /** Called with errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/** The job store in PostgreSQL, shared by every gateway instance that uses the same database. */
export class PostgresBatchDatabase implements BatchDatabase {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly schema: string | undefined;

  constructor(options: PostgresBatchDatabaseOptions) {
    this.schema = options.schema;
    this.pool = createPostgresPool({
      url: options.url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      maxConnections: 4,
      queryTimeoutMs: 60_000,
      ...(options.onPoolError === undefined ? {} : { onPoolError: options.onPoolError }),
    });
  }

  async migrate(migrations: (dialect: BatchDialect) => string[][]): Promise<void> {
    // Instances starting at once apply each migration once.
    await migrateLocked({
      pool: this.pool,
      lockName: 'tollgate-batch',
      schema: this.schema,
      apply: async (client) => {
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
          await client.query('INSERT INTO batch_migrations (version, applied_at) VALUES ($1, $2)', [
            version,
            Date.now(),
          ]);
        }
      },
    });
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

  ping(): Promise<boolean> {
    return pingPool(this.pool);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
