/** A virtual key as stored: never the secret itself, only its SHA-256. */
export interface VirtualKeyRecord {
  /** Public id (`vk_…`), used in the ledger, budgets and the admin API. */
  id: string;
  /** The tenant its requests are attributed to. */
  tenant: string;
  /** A label for people. */
  name: string | undefined;
  /** The key's own budget (`50/day`), if any. */
  budget: string | undefined;
  /** First and last characters of the secret, to recognise it in a list (`tg-AbCd…wxYz`). */
  secretHint: string;
  /** ISO time of creation. */
  createdAt: string;
  /** ISO time of revocation; revoked keys are refused. */
  revokedAt: string | undefined;
}

/**
 * Where virtual keys live: SQLite (the ledger's file, table `virtual_keys`) or PostgreSQL when the
 * ledger is there. Lookups are synchronous because authentication runs on every request; a store
 * that cannot answer synchronously (PostgreSQL) keeps a mirror it refreshes.
 */
export interface KeyStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Stores a new key. */
  insert(record: VirtualKeyRecord & { secretHash: string }): Promise<void>;
  /** The key with this secret hash, revoked or not. */
  findByHash(secretHash: string): VirtualKeyRecord | undefined;
  /** The key with this id, revoked or not. */
  findById(id: string): VirtualKeyRecord | undefined;
  /** Every key, newest first. */
  list(): Promise<VirtualKeyRecord[]>;
  /** Marks a key revoked; returns it, or undefined when no key has that id. */
  revoke(id: string, revokedAt: string): Promise<VirtualKeyRecord | undefined>;
  close(): Promise<void>;
}

/** The table every store uses unless told otherwise. */
export const KEY_TABLE = 'virtual_keys';

/** Table names are interpolated into SQL, so only plain identifiers are accepted. */
export function checkTableName(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid table name ${name}`);
  return name;
}
