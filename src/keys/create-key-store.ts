import type { ConfigFile } from '../config/config-schema.js';
import type { KeyStore } from './key-store.js';

/**
 * The key store beside the ledger: PostgreSQL when `storage.ledger` is `postgres` (connection string
 * from the environment variable `storage.postgres_url_env`), else SQLite at `storage.sqlite_path`.
 */
export async function createKeyStore(options: {
  storage: ConfigFile['storage'];
  environment: NodeJS.ProcessEnv;
  onError?: (error: unknown) => void;
}): Promise<KeyStore> {
  const { storage } = options;
  // Imported when chosen: pg costs ~14 MB of resident memory, which a SQLite deployment should not pay.
  if (storage.ledger !== 'postgres') {
    const { createSqliteKeyStore } = await import('./sqlite-key-store.js');
    return createSqliteKeyStore({ path: storage.sqlite_path });
  }
  const connectionString = options.environment[storage.postgres_url_env];
  if (!connectionString) {
    throw new Error(
      `storage.ledger is postgres but ${storage.postgres_url_env} is not set; virtual keys live beside the ledger.`,
    );
  }
  const { createPostgresKeyStore } = await import('./postgres-key-store.js');
  return createPostgresKeyStore({ connectionString, onError: options.onError });
}
