import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { SqlValue } from './ledger-columns.js';

/**
 * The worker's code. It is plain JavaScript evaluated as a string, not a module file, because the
 * gateway runs both from compiled `dist/` and through tsx in tests, and worker entry files do not
 * get tsx's loader; a string runs the same in both.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const database = new Database(workerData.path, { fileMustExist: true });
database.pragma('journal_mode = WAL');
// The WAL is written before a commit returns but not fsynced: durable against a process kill.
database.pragma('synchronous = NORMAL');
// Waiting for another process's write lock blocks this thread only, never the gateway's.
database.pragma('busy_timeout = 5000');
// Reports scan the same pages again and again: map the file and keep a larger cache.
database.pragma('mmap_size = 268435456');
database.pragma('cache_size = -65536');
const statements = new Map();
function prepare(sql) {
  let statement = statements.get(sql);
  if (!statement) {
    if (statements.size >= 128) statements.clear();
    statement = database.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
const writeBatch = database.transaction((tables, afterSql) => {
  const inserted = [];
  for (const table of tables) {
    const statement = prepare(table.sql);
    for (const row of table.rows) {
      const result = statement.run(row);
      if (table.trackKey && result.changes > 0) inserted.push(row[table.trackKey]);
    }
  }
  if (afterSql && inserted.length > 0) prepare(afterSql).run(JSON.stringify(inserted));
});
parentPort.on('message', (message) => {
  try {
    if (message.tables) {
      writeBatch(message.tables, message.afterSql);
      parentPort.postMessage({ id: message.id, rows: [] });
    } else {
      parentPort.postMessage({ id: message.id, rows: prepare(message.sql).all(...message.params) });
    }
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      error: { message: String(error && error.message), code: error && error.code, name: error && error.name },
    });
  }
});
`;

interface Pending {
  resolve(rows: Record<string, unknown>[]): void;
  reject(error: Error): void;
}

type WorkerReply =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; error: { message: string; code?: string; name?: string } };

/** Rows for one table and the statement that inserts one row (named `@column` parameters). */
export interface SqliteTableRows {
  /** Inserts one row; `INSERT OR IGNORE`, so that a row already present changes nothing. */
  sql: string;
  /** The rows. */
  rows: Record<string, SqlValue>[];
  /** Collect this column of the rows actually inserted, for the batch's `afterSql`. */
  trackKey?: string;
}

/**
 * A worker thread with its own SQLite connection that runs the ledger's batch writes (and the
 * WAL checkpoints they trigger) and its report queries, so that neither ever blocks the gateway's
 * event loop: better-sqlite3 calls are synchronous, a checkpoint can take milliseconds and a
 * 30-day report over a million rows takes about a second.
 */
export class SqliteWorker {
  private readonly path: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(path: string) {
    this.path = path;
  }

  /** Runs one read query; booleans are bound as 0/1. */
  all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    return this.send({ sql, params: params.map((value) => (typeof value === 'boolean' ? Number(value) : value)) });
  }

  /**
   * Inserts the rows of every table in one transaction, then runs `afterSql` (in the same
   * transaction) with one parameter: a JSON array of the tracked keys of rows actually inserted.
   */
  async write(tables: SqliteTableRows[], afterSql?: string): Promise<void> {
    await this.send({ tables, afterSql });
  }

  /** Stops the worker; outstanding calls fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new Error('the ledger was closed'));
  }

  private send(message: object): Promise<Record<string, unknown>[]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a call is outstanding, and only then.
      worker.ref();
      worker.postMessage({ id, ...message });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver: createRequire(import.meta.url).resolve('better-sqlite3'), path: this.path },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('rows' in reply) waiting.resolve(reply.rows);
      else {
        const error = Object.assign(new Error(reply.error.message), { code: reply.error.code });
        if (reply.error.name) error.name = reply.error.name;
        waiting.reject(error);
      }
    });
    const onFailure = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', onFailure);
    worker.on('exit', (code) => onFailure(new Error(`the SQLite ledger worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
