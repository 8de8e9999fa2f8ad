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
const database = new Database(workerData.path, { readonly: true, fileMustExist: true });
// Reports scan the same pages again and again: map the file and keep a larger cache than writers need.
database.pragma('mmap_size = 268435456');
database.pragma('cache_size = -65536');
const statements = new Map();
parentPort.on('message', ({ id, sql, params }) => {
  try {
    let statement = statements.get(sql);
    if (!statement) {
      if (statements.size >= 128) statements.clear();
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    parentPort.postMessage({ id, rows: statement.all(...params) });
  } catch (error) {
    parentPort.postMessage({ id, error: { message: String(error && error.message), code: error && error.code } });
  }
});
`;

interface Pending {
  resolve(rows: Record<string, unknown>[]): void;
  reject(error: Error): void;
}

type WorkerReply =
  | { id: number; rows: Record<string, unknown>[] }
  | { id: number; error: { message: string; code?: string } };

/**
 * Runs read queries on a SQLite file in a worker thread with its own read-only connection, so that
 * a report scanning a million rows never blocks the gateway's event loop (SQLite calls are
 * synchronous). WAL lets this reader run beside the writer without blocking it.
 */
export class SqliteQueryWorker {
  private readonly path: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(path: string) {
    this.path = path;
  }

  /** Runs one query; booleans are bound as 0/1. */
  all(sql: string, params: readonly SqlValue[]): Promise<Record<string, unknown>[]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Keep the process alive while a query is outstanding, and only then.
      worker.ref();
      worker.postMessage({
        id,
        sql,
        params: params.map((value) => (typeof value === 'boolean' ? Number(value) : value)),
      });
    });
  }

  /** Stops the worker; outstanding queries fail. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
    this.failAll(new Error('the ledger was closed'));
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
      else waiting.reject(Object.assign(new Error(reply.error.message), { code: reply.error.code }));
    });
    const onFailure = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      this.failAll(error);
    };
    worker.on('error', onFailure);
    worker.on('exit', (code) => onFailure(new Error(`the SQLite query worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }
}
