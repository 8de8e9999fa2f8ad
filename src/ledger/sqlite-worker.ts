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
// Reports scan the same pages again and again: map the file, so that reads come straight from the
// OS's page cache. SQLite's own cache then mostly holds the pages a write batch touches (the tables'
// and indexes' right edges); 8 MB is plenty for that, where 64 MB grew into the gateway's RSS.
database.pragma('mmap_size = 268435456');
database.pragma('cache_size = -8192');
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
// Journal lines are parsed here rather than on the gateway's event loop, and bound positionally.
const layout = workerData.layout;
function bind(record, table, first) {
  const values = first === undefined ? [] : [first];
  for (let index = 0; index < table.fields.length; index += 1) {
    const value = record[table.fields[index]];
    values.push(table.booleans[index] ? (value ? 1 : 0) : (value ?? null));
  }
  return values;
}
const writeJournalText = database.transaction((text) => {
  const insertRequest = prepare(layout.request.sql);
  const insertAttempt = prepare(layout.attempt.sql);
  const insertFeedback = prepare(layout.feedback.sql);
  const inserted = [];
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') continue;
    // A line that is not an entry throws, rolling the batch back: the caller sorts it out.
    const entry = JSON.parse(line);
    if (entry && entry.kind === 'request') {
      if (insertRequest.run(bind(entry.request, layout.request)).changes > 0) inserted.push(entry.request.requestId);
      for (const attempt of entry.attempts) insertAttempt.run(bind(attempt, layout.attempt));
    } else if (entry && entry.kind === 'feedback') {
      insertFeedback.run(bind(entry.feedback, layout.feedback, entry.feedbackId));
    } else {
      throw new TypeError('a journal line is not a ledger entry');
    }
  }
  if (inserted.length > 0) prepare(layout.rollupSql).run(JSON.stringify(inserted));
});
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
    if (message.text !== undefined) {
      writeJournalText(message.text);
      parentPort.postMessage({ id: message.id, rows: [] });
    } else if (message.tables) {
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

/** Young generation of the worker's isolate, in MB (see `start`). */
const WORKER_YOUNG_GENERATION_MB = 6;

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

/** How one table's rows are bound from journal records: positional `?` parameters, in `fields` order. */
export interface SqliteJournalTable {
  /** `INSERT OR IGNORE` with one `?` per field (the feedback table: one more, first, for its id). */
  sql: string;
  /** The record fields, in parameter order. */
  fields: string[];
  /** Per field, whether it is stored as 0/1. */
  booleans: boolean[];
}

/** What the worker needs to write journal lines itself (see {@link SqliteWorker.writeJournalText}). */
export interface SqliteJournalLayout {
  /** Request records (`entry.request`). */
  request: SqliteJournalTable;
  /** Attempt records (`entry.attempts[]`). */
  attempt: SqliteJournalTable;
  /** Feedback records (`entry.feedback`, with `entry.feedbackId` bound first). */
  feedback: SqliteJournalTable;
  /** Run once per batch with a JSON array of the request ids actually inserted (the rollup). */
  rollupSql: string;
}

/**
 * A worker thread with its own SQLite connection that runs the ledger's batch writes (and the
 * WAL checkpoints they trigger) and its report queries, so that neither ever blocks the gateway's
 * event loop: better-sqlite3 calls are synchronous, a checkpoint can take milliseconds and a
 * 30-day report over a million rows takes about a second.
 */
export class SqliteWorker {
  private readonly path: string;
  private readonly layout: SqliteJournalLayout;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(path: string, layout: SqliteJournalLayout) {
    this.path = path;
    this.layout = layout;
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

  /**
   * Writes the entries of whole journal lines in one transaction, parsing them in the worker (a
   * string crosses threads as one copy; rows as objects cost a structured clone each). Rejects,
   * writing nothing, when a line is not an entry or a row is refused.
   */
  async writeJournalText(text: string): Promise<void> {
    await this.send({ text });
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
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        path: this.path,
        layout: this.layout,
      },
      // The worker is an isolate of its own whose young generation would otherwise grow to V8's
      // default 16 MB semi-spaces (48 MB of young generation) under load; what it allocates per batch
      // (one journal string, its parsed lines) is short-lived and fits a few MB.
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
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
