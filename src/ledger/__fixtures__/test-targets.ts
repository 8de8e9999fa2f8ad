// Where the ledger tests run: a fresh SQLite file, or a fresh schema on the real PostgreSQL server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { LedgerConfig } from '../ledger.js';
import type { SqlValue } from '../ledger-columns.js';
import type { LedgerLogger } from '../ledger-logger.js';
import type { LedgerStore } from '../ledger-store.js';
import { PostgresLedgerStore } from '../postgres-ledger-store.js';
import { SqliteLedgerStore } from '../sqlite-ledger-store.js';

/** The PostgreSQL server the tests use; they fail (never skip) when it is unreachable. */
export const TEST_POSTGRES_URL =
  process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://tollgate:tollgate@127.0.0.1:5432/tollgate_test';

/** One place to put a ledger, and how to look at it directly and remove it. */
export interface TestTarget {
  kind: 'sqlite' | 'postgres';
  config: LedgerConfig & { kind: 'sqlite' | 'postgres' };
  /** The journal folder the ledger uses. */
  journalDir: string;
  /** A store on the same database, for checks beneath the Ledger API. */
  openStore(): LedgerStore;
  /** Runs statements straight on the database, beneath the store (e.g. to build an old schema). */
  execute(statements: { sql: string; params?: SqlValue[] }[]): Promise<void>;
  cleanup(): Promise<void>;
}

/** Fails with a message that says what to run, instead of a bare ECONNREFUSED. */
export async function assertPostgresReachable(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${TEST_POSTGRES_URL} (${String(error)}); run bash .ci/start-services.sh`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A new, empty place for a ledger. */
export function createTestTarget(kind: 'sqlite' | 'postgres'): TestTarget {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-ledger-'));
  if (kind === 'sqlite') {
    const path = join(directory, 'ledger.db');
    return {
      kind,
      config: { kind, path },
      journalDir: `${path}.pending`,
      openStore: () => new SqliteLedgerStore({ path }),
      execute: async (statements) => {
        const database = new Database(path);
        try {
          for (const { sql, params = [] } of statements) {
            database.prepare(sql).run(...params.map((value) => (typeof value === 'boolean' ? Number(value) : value)));
          }
        } finally {
          database.close();
        }
      },
      cleanup: async () => rmSync(directory, { recursive: true, force: true }),
    };
  }
  const schema = `ledger_test_${randomBytes(6).toString('hex')}`;
  const journalDir = join(directory, 'journal');
  return {
    kind,
    config: { kind, url: TEST_POSTGRES_URL, journalDir, schema },
    journalDir,
    openStore: () => new PostgresLedgerStore({ url: TEST_POSTGRES_URL, schema }),
    execute: async (statements) => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(`SET search_path TO "${schema}"`);
        for (const { sql, params = [] } of statements) {
          let index = 0;
          await client.query(
            sql.replace(/\?/g, () => `$${++index}`),
            params,
          );
        }
      } finally {
        await client.end();
      }
    },
    cleanup: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A logger that keeps what it is told, for assertions. */
export function createRecordingLogger(): LedgerLogger & { lines: { level: string; message: string; fields: object }[] } {
  const lines: { level: string; message: string; fields: object }[] = [];
  return {
    lines,
    warn: (fields, message) => lines.push({ level: 'warn', message, fields }),
    error: (fields, message) => lines.push({ level: 'error', message, fields }),
  };
}
