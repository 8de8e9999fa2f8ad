import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { checkTableName, KEY_TABLE, type KeyStore, type VirtualKeyRecord } from './key-store.js';

interface KeyRow {
  id: string;
  tenant: string;
  name: string | null;
  budget: string | null;
  secret_hint: string;
  created_at: string;
  revoked_at: string | null;
}

function toRecord(row: KeyRow | undefined): VirtualKeyRecord | undefined {
  if (!row) return undefined;
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name ?? undefined,
    budget: row.budget ?? undefined,
    secretHint: row.secret_hint,
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
  };
}

const COLUMNS = 'id, tenant, name, budget, secret_hint, created_at, revoked_at';

/**
 * Virtual keys in SQLite, by default in the ledger's file (its own table). Lookups are prepared
 * statements on an indexed column: microseconds, so they run on every request without a cache, and a
 * revocation by another process sharing the file takes effect at once.
 */
export function createSqliteKeyStore(options: { path: string; table?: string }): KeyStore {
  const table = checkTableName(options.table ?? KEY_TABLE);
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const database = new Database(options.path);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 2000');
  database.exec(`CREATE TABLE IF NOT EXISTS ${table} (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL UNIQUE,
    secret_hint TEXT NOT NULL,
    tenant TEXT NOT NULL,
    name TEXT,
    budget TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  )`);
  const insert = database.prepare(
    `INSERT INTO ${table} (id, secret_hash, secret_hint, tenant, name, budget, created_at, revoked_at)
     VALUES (@id, @secretHash, @secretHint, @tenant, @name, @budget, @createdAt, @revokedAt)`,
  );
  const byHash = database.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM ${table} WHERE secret_hash = ?`);
  const byId = database.prepare<[string], KeyRow>(`SELECT ${COLUMNS} FROM ${table} WHERE id = ?`);
  const all = database.prepare<[], KeyRow>(`SELECT ${COLUMNS} FROM ${table} ORDER BY created_at DESC, id`);
  const revoke = database.prepare<[string, string]>(
    `UPDATE ${table} SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`,
  );
  return {
    kind: 'sqlite',
    async insert(record) {
      insert.run({
        ...record,
        name: record.name ?? null,
        budget: record.budget ?? null,
        revokedAt: record.revokedAt ?? null,
      });
    },
    findByHash: (secretHash) => toRecord(byHash.get(secretHash)),
    findById: (id) => toRecord(byId.get(id)),
    list: async () => all.all().map((row) => toRecord(row) as VirtualKeyRecord),
    async revoke(id, revokedAt) {
      revoke.run(revokedAt, id);
      return toRecord(byId.get(id));
    },
    async close() {
      database.close();
    },
  };
}
