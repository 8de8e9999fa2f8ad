import pg from 'pg';
import { checkTableName, KEY_TABLE, type KeyStore, type VirtualKeyRecord } from './key-store.js';

interface KeyRow {
  id: string;
  secret_hash: string;
  tenant: string;
  name: string | null;
  budget: string | null;
  secret_hint: string;
  created_at: Date;
  revoked_at: Date | null;
}

/** Options for {@link createPostgresKeyStore}. */
export interface PostgresKeyStoreOptions {
  connectionString: string;
  table?: string;
  /** How often the in-process mirror is reloaded, so revocations by other instances apply (default 2 s). */
  refreshMs?: number;
  /** Reports refresh failures (the previous mirror stays in use). */
  onError?: (error: unknown) => void;
}

function toRecord(row: KeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name ?? undefined,
    budget: row.budget ?? undefined,
    secretHint: row.secret_hint,
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString(),
  };
}

/**
 * Virtual keys in PostgreSQL (when the ledger is there). Authentication needs a synchronous answer,
 * so the store keeps every key in memory and reloads them every `refreshMs`; a key created or revoked
 * through this instance is applied to the mirror at once, and elsewhere within one refresh.
 */
export async function createPostgresKeyStore(options: PostgresKeyStoreOptions): Promise<KeyStore> {
  const table = checkTableName(options.table ?? KEY_TABLE);
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2 });
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    secret_hint TEXT NOT NULL,
    tenant TEXT NOT NULL,
    name TEXT,
    budget TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
  )`);
  let byHash = new Map<string, VirtualKeyRecord>();
  let byId = new Map<string, VirtualKeyRecord>();
  const hashOf = new Map<string, string>();
  const load = async (): Promise<void> => {
    const { rows } = await pool.query<KeyRow>(`SELECT * FROM ${table}`);
    const nextByHash = new Map<string, VirtualKeyRecord>();
    const nextById = new Map<string, VirtualKeyRecord>();
    for (const row of rows) {
      const record = toRecord(row);
      nextByHash.set(row.secret_hash, record);
      nextById.set(row.id, record);
      hashOf.set(row.id, row.secret_hash);
    }
    byHash = nextByHash;
    byId = nextById;
  };
  await load();
  const timer = setInterval(() => {
    load().catch((error: unknown) => options.onError?.(error));
  }, options.refreshMs ?? 2_000);
  timer.unref();
  const remember = (record: VirtualKeyRecord, secretHash: string): void => {
    byHash.set(secretHash, record);
    byId.set(record.id, record);
    hashOf.set(record.id, secretHash);
  };
  return {
    kind: 'postgres',
    async insert(record) {
      await pool.query(
        `INSERT INTO ${table} (id, secret_hash, secret_hint, tenant, name, budget, created_at, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          record.id,
          record.secretHash,
          record.secretHint,
          record.tenant,
          record.name ?? null,
          record.budget ?? null,
          record.createdAt,
          record.revokedAt ?? null,
        ],
      );
      const { secretHash, ...stored } = record;
      remember(stored, secretHash);
    },
    findByHash: (secretHash) => byHash.get(secretHash),
    findById: (id) => byId.get(id),
    async list() {
      const { rows } = await pool.query<KeyRow>(`SELECT * FROM ${table} ORDER BY created_at DESC, id`);
      return rows.map(toRecord);
    },
    async revoke(id, revokedAt) {
      const { rows } = await pool.query<KeyRow>(
        `UPDATE ${table} SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2 RETURNING *`,
        [revokedAt, id],
      );
      const row = rows[0];
      if (!row) return undefined;
      const record = toRecord(row);
      remember(record, row.secret_hash);
      return record;
    },
    async close() {
      clearInterval(timer);
      await pool.end();
    },
  };
}
