import type { ConfigFile } from '../config/config-schema.js';
import type { KeyStore } from './key-store.js';
import { createPostgresKeyStore } from './postgres-key-store.js';
import { createSqliteKeyStore } from './sqlite-key-store.js';

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
  if (storage.ledger !== 'postgres') return createSqliteKeyStore({ path: storage.sqlite_path });
  const connectionString = options.environment[storage.postgres_url_env];
  if (!connectionString) {
    throw new Error(
      `storage.ledger is postgres but ${storage.postgres_url_env} is not set; virtual keys live beside the ledger.`,
    );
  }
  return createPostgresKeyStore({ connectionString, onError: options.onError });
}
