import { existsSync } from 'node:fs';
import type { LedgerReader } from '../../ledger/ledger-store.js';
import { PostgresLedgerStore } from '../../ledger/postgres-ledger-store.js';
import { SqliteLedgerStore } from '../../ledger/sqlite-ledger-store.js';
import { GatewayError } from '../../spec/index.js';

/** A ledger opened for reading, closed by the caller. */
export interface OpenedLedgerReader {
  reader: LedgerReader;
  close(): Promise<void>;
}

/**
 * Opens an existing ledger for reading: `sqlite:PATH` (or a plain path) for the SQLite ledger,
 * `postgres://…` (with an optional schema) for PostgreSQL. Never creates an empty ledger.
 */
export async function openLedgerReader(options: { location: string; schema?: string }): Promise<OpenedLedgerReader> {
  const { location } = options;
  if (/^postgres(ql)?:\/\//.test(location)) {
    const store = new PostgresLedgerStore({ url: location, ...(options.schema ? { schema: options.schema } : {}) });
    return { reader: store, close: () => store.close() };
  }
  const path = location.replace(/^sqlite:/, '');
  if (!existsSync(path)) throw new GatewayError({ code: 'invalid_request', message: `No ledger at ${path}` });
  const store = new SqliteLedgerStore({ path, mustExist: true });
  return { reader: store, close: () => store.close() };
}
