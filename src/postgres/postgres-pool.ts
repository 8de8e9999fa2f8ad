import pg from 'pg';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/i;

/** Options of {@link createPostgresPool}. */
export interface PostgresPoolOptions {
  /** A `postgres://` connection string. */
  url: string;
  /** Schema for the store's tables (created by {@link migrateLocked}); default: the connection's search path. */
  schema?: string;
  /** Most connections held open. */
  maxConnections: number;
  /** A query running longer than this fails instead of holding its connection. */
  queryTimeoutMs: number;
  /** Called with errors of idle pooled connections, which would otherwise crash the process. */
  onPoolError?: (error: Error) => void;
}

/**
 * A connection pool for one of Tollgate's PostgreSQL stores (ledger, batch jobs): the schema name is
 * checked (it is spliced into SQL), and put on every connection's search path.
 */
export function createPostgresPool(options: PostgresPoolOptions): pg.Pool {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Invalid PostgreSQL schema name "${options.schema}": use letters, digits and "_"`);
  }
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    query_timeout: options.queryTimeoutMs,
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  return pool;
}

/** Replaces `?` placeholders with `$1…$n` (the stores' own SQL has no `?` inside literals). */
export function numberPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/**
 * Runs `apply` in one transaction under an advisory lock named `lockName`, after creating the schema:
 * gateway instances starting at once apply each migration once, and a failed one leaves nothing behind.
 */
export async function migrateLocked(options: {
  pool: pg.Pool;
  lockName: string;
  schema: string | undefined;
  apply: (client: pg.PoolClient) => Promise<void>;
}): Promise<void> {
  const client = await options.pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${options.lockName}:${options.schema ?? ''}`]);
    if (options.schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
    await options.apply(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** True when the database answers a trivial query. */
export async function pingPool(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
