import { dirname, join } from 'node:path';
import type { ConfigFile } from '../../config/config-schema.js';
import type { BatchDatabase } from './batch-database.js';
import { BatchStore } from './batch-store.js';

/** Where the job store lives. */
export type BatchStoreTarget =
  | {
      kind: 'sqlite';
      /** The database file, created with its folder. */
      path: string;
    }
  | {
      kind: 'postgres';
      /** A `postgres://` connection string. */
      url: string;
      /** Schema for the tables (created if missing); default: the connection's search path. */
      schema?: string;
    };

/**
 * Where the config puts the job store: PostgreSQL (the ledger's database) when `storage.ledger` is
 * postgres, else SQLite at `batch.sqlite_path` or `batches.db` beside `storage.sqlite_path`.
 */
export function batchStoreTarget(config: ConfigFile, environment: NodeJS.ProcessEnv): BatchStoreTarget {
  if (config.storage.ledger === 'postgres') {
    const url = environment[config.storage.postgres_url_env];
    if (!url) {
      throw new Error(
        `storage.ledger is postgres but ${config.storage.postgres_url_env} is not set: the batch job store needs it too`,
      );
    }
    return { kind: 'postgres', url };
  }
  return { kind: 'sqlite', path: config.batch.sqlite_path ?? join(dirname(config.storage.sqlite_path), 'batches.db') };
}

/** Opens the job store and applies its migrations. */
export async function openBatchStore(
  target: BatchStoreTarget,
  options: { onPoolError?: (error: Error) => void } = {},
): Promise<BatchStore> {
  // Each database is imported when configured: pg costs ~14 MB of resident memory.
  const database: BatchDatabase =
    target.kind === 'sqlite'
      ? new (await import('./sqlite-batch-database.js')).SqliteBatchDatabase(target.path)
      : new (await import('./postgres-batch-database.js')).PostgresBatchDatabase({
          url: target.url,
          ...(target.schema === undefined ? {} : { schema: target.schema }),
          ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
        });
  const store = new BatchStore(database);
  try {
    await store.migrate();
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}
