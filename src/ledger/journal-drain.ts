import { type LedgerJournal, parseJournalText } from './ledger-journal.js';
import type { LedgerLogger } from './ledger-logger.js';
import type { LedgerEntry, LedgerStore } from './ledger-store.js';

/** Counts the drain keeps, read by the ledger's `stats()`. */
export interface DrainCounters {
  /** Store writes that failed and will be retried. */
  storeFailures: number;
  /** Entries the store refused for good, or damaged journal lines, kept in the set-aside file. */
  setAside: number;
  /** Entries lost: neither stored, journaled nor held (should stay 0). */
  lost: number;
}

/** Options for {@link JournalDrain}. */
export interface JournalDrainOptions {
  /** Where entries wait. */
  journal: LedgerJournal;
  /** Where they go. */
  store: LedgerStore;
  /** Where retries and set-asides are logged. */
  logger: LedgerLogger;
  /** Counted into; shared with the ledger's `stats()`. */
  counters: DrainCounters;
  /** Run once before the first write (migrations); retried after a failure. */
  prepare?: () => Promise<void>;
  /**
   * Most entries per store write, and the count of waiting entries that starts a write at once
   * (default 250: a store without `writeJournalText` parses each batch on the event loop).
   */
  batchSize?: number;
  /**
   * How long appends are gathered before a write starts, in milliseconds (default 100). Every write
   * has a fixed cost (a transaction, its commit, a message to a thread), so bigger batches cost less
   * per entry; entries are already durable in the journal while they wait.
   */
  delayMs?: number;
  /** Entries held in memory when even the journal cannot be written (default 10,000). */
  maxHeldEntries?: number;
}

const MAX_BACKOFF_MS = 5_000;

/**
 * Moves entries from the journal (and, when the disk failed, from a bounded memory queue) into the
 * store in batches, off the request path. A store that is down is retried with capped exponential
 * backoff while the journal keeps everything; an entry the store refuses for good is set aside so it
 * cannot block the ones behind it.
 */
export class JournalDrain {
  private readonly options: Required<Omit<JournalDrainOptions, 'prepare'>> & Pick<JournalDrainOptions, 'prepare'>;
  private readonly held: LedgerEntry[] = [];
  private prepared: Promise<void> | undefined;
  private busy: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private consecutiveFailures = 0;
  private stopped = false;
  /** Entries appended since the last drain started. */
  private waiting = 0;

  constructor(options: JournalDrainOptions) {
    this.options = { batchSize: 250, delayMs: 100, maxHeldEntries: 10_000, ...options };
  }

  /** Entries waiting for the store (journal bytes are counted as whole entries by the ledger). */
  get heldEntries(): number {
    return this.held.length;
  }

  /** Keeps an entry in memory when the journal could not take it; false when memory is full too. */
  hold(entry: LedgerEntry): boolean {
    if (this.held.length >= this.options.maxHeldEntries) return false;
    this.held.push(entry);
    this.schedule();
    return true;
  }

  /**
   * Called after each journal append: starts a drain after the gathering delay, or at once when a
   * whole batch is waiting (at high rates the delay would only let the journal grow).
   */
  appended(): void {
    this.waiting += 1;
    if (this.waiting >= this.options.batchSize && this.timer && !this.busy && this.consecutiveFailures === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.schedule(0);
      return;
    }
    this.schedule();
  }

  /** Starts a drain soon, unless one is running or due (a failing store sets its own retry time). */
  schedule(delayMs = this.options.delayMs): void {
    if (this.stopped || this.timer || this.busy) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drainExclusive(false).catch((error: unknown) => this.retryLater(error));
    }, delayMs);
    // A pending drain must not keep the process alive: the journal already holds the entries.
    this.timer.unref();
  }

  /** Writes everything pending now; rejects when the store fails (entries stay pending and are retried). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    try {
      await this.drainExclusive(true);
    } catch (error) {
      this.retryLater(error);
      throw error;
    }
  }

  private retryLater(error: unknown): void {
    this.consecutiveFailures += 1;
    const retryInMs = Math.min(MAX_BACKOFF_MS, 100 * 2 ** (this.consecutiveFailures - 1));
    this.options.logger.warn(
      { err: error, pendingBytes: this.options.journal.pendingBytes, retryInMs },
      'ledger store write failed; entries stay in the journal and will be retried',
    );
    this.schedule(retryInMs * (0.5 + Math.random() / 2));
  }

  /** Stops scheduling; a drain in progress finishes. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.busy?.catch(() => undefined);
  }

  /** One drain at a time; `untilEmpty` (flush) also writes what arrives while it runs. */
  private async drainExclusive(untilEmpty: boolean): Promise<void> {
    while (this.busy) await this.busy.catch(() => undefined);
    this.waiting = 0;
    const work = this.drainPending(untilEmpty);
    this.busy = work;
    try {
      await work;
    } finally {
      this.busy = undefined;
    }
    this.consecutiveFailures = 0;
    // Entries appended while this drain was finishing its last write.
    if (this.options.journal.pendingBytes > 0 || this.held.length > 0) this.schedule();
  }

  private async drainPending(untilEmpty: boolean): Promise<void> {
    if (this.options.prepare) {
      this.prepared ??= this.options.prepare().catch((error: unknown) => {
        this.prepared = undefined;
        throw error;
      });
      await this.prepared;
    }
    while (this.held.length > 0) {
      const batch = this.held.slice(0, this.options.batchSize);
      await this.writeOrSetAside(batch);
      this.held.splice(0, batch.length);
    }
    for (;;) {
      const raw = this.options.journal.readRaw(this.options.batchSize);
      if (!raw) return;
      // A timed drain ends at a short batch: the lines that came in while it was writing wait for
      // the next gathering delay and go in one batch, rather than in a trickle of small ones.
      const more = untilEmpty || raw.lines >= this.options.batchSize;
      if (await this.writeText(raw.text)) {
        this.options.journal.acknowledge(raw);
        if (!more) return;
        continue;
      }
      const batch = { ...raw, ...parseJournalText(raw.text) };
      if (batch.damaged.length > 0) {
        this.options.journal.setAside(batch.damaged.map((line) => ({ line, reason: 'damaged journal line' })));
        this.options.counters.setAside += batch.damaged.length;
        this.options.logger.error({ lines: batch.damaged.length }, 'damaged ledger journal lines set aside');
      }
      await this.writeOrSetAside(batch.entries);
      this.options.journal.acknowledge(batch);
      if (!more) return;
    }
  }

  /**
   * The fast path: the store parses and writes the lines itself. False when it cannot (no such
   * method, a damaged line, a refused row, the store down): the batch then takes the careful path,
   * parsed here, damaged lines set aside and refused entries written one by one (or retried later).
   */
  private async writeText(text: string): Promise<boolean> {
    if (!this.options.store.writeJournalText) return false;
    try {
      await this.options.store.writeJournalText(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Writes a batch; when the store refuses it for good, writes entry by entry and sets aside the bad ones. */
  private async writeOrSetAside(entries: LedgerEntry[]): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.options.store.write(entries);
      return;
    } catch (error) {
      this.options.counters.storeFailures += 1;
      if (!this.options.store.isPermanentError(error)) throw error;
    }
    for (const entry of entries) {
      try {
        await this.options.store.write([entry]);
      } catch (error) {
        if (!this.options.store.isPermanentError(error)) throw error;
        this.options.journal.setAside([{ entry, reason: error instanceof Error ? error.message : String(error) }]);
        this.options.counters.setAside += 1;
        this.options.logger.error({ err: error, entry }, 'ledger entry refused by the store; set aside');
      }
    }
  }
}
