import { setMaxListeners } from 'node:events';
import type { BatchConfig } from '../config/config-schema.js';
import type { Logger } from '../logging/create-logger.js';
import type { BatchCapacity } from './batch-capacity.js';
import { finishBatchJob } from './finish-batch-job.js';
import type { ProviderBatchLane } from './provider/provider-batch-lane.js';
import type { LineRun } from './run-line.js';
import type { BatchJob, PendingLine } from './store/batch-records.js';
import type { BatchStore } from './store/batch-store.js';

/** Options for {@link BatchRunner}. */
export interface BatchRunnerOptions {
  store: BatchStore;
  /** Slots shared with single batch-priority requests. */
  capacity: BatchCapacity;
  /** This instance's lease owner id. */
  owner: string;
  /** The current `batch:` config (read at every step, so a reload applies). */
  config: () => BatchConfig;
  logger: Logger;
  /** Runs one try of a line. */
  runLine: (job: BatchJob, line: PendingLine, signal: AbortSignal) => Promise<LineRun>;
  /** Whether the job's budgets leave room for batch work now. */
  budgetRoom: (job: BatchJob) => Promise<boolean>;
  /** Plans lines and runs provider batches; without it every line runs through the gateway. */
  providerLane?: ProviderBatchLane;
  now?: () => number;
}

/** A batch still being written this long after it was created was abandoned by a crash mid-write. */
const ABANDONED_AFTER_MS = 10 * 60_000;

/** How long a graceful stop waits for lines in flight before aborting them. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * Runs the lines of every batch this instance holds a lease on, a few at a time: as many as the
 * shared capacity allows (fewer while interactive traffic is in flight), round-robin across batches,
 * skipping batches whose budget is past `throttle_at` until it has room. Ends batches that are done,
 * cancelled or expired. State lives in the store; the runner keeps only what is in flight, so a
 * restarted (or another) instance picks up where this one stopped.
 */
export class BatchRunner {
  private jobs: BatchJob[] = [];
  private readonly inFlight = new Map<string, Set<number>>();
  private readonly buffered = new Map<string, PendingLine[]>();
  private readonly budgetCheckedAt = new Map<string, { at: number; room: boolean }>();
  private readonly blockedUntil = new Map<string, number>();
  /** When the provider lane last planned and polled each batch. */
  private readonly providerStepAt = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private lastClaimAt = Number.NEGATIVE_INFINITY;
  private stepping = false;
  private stepAgain = false;
  private wakeQueued = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: () => void;
  private readonly now: () => number;

  constructor(private readonly options: BatchRunnerOptions) {
    this.now = options.now ?? Date.now;
    // Every line in flight listens to the one stop signal.
    setMaxListeners(0, this.abort.signal);
    this.unsubscribe = options.capacity.onRoom(() => this.wake());
  }

  /** Starts polling. */
  start(): void {
    this.wake();
  }

  /** Runs a step soon (a line finished, capacity came free). */
  wake(): void {
    if (this.stopped || this.wakeQueued) return;
    this.wakeQueued = true;
    setImmediate(() => {
      this.wakeQueued = false;
      void this.step();
    });
  }

  /** Re-reads the held batches from the store at the next step (one was created or cancelled). */
  refresh(): void {
    this.lastClaimAt = Number.NEGATIVE_INFINITY;
    this.wake();
  }

  /** Lines in flight, for metrics and tests. */
  get linesInFlight(): number {
    let total = 0;
    for (const lines of this.inFlight.values()) total += lines.size;
    return total;
  }

  /**
   * Stops taking lines, waits up to 10 s for those in flight, aborts the rest (they run again after
   * a restart, as new tries), and gives up this instance's leases so another instance resumes at once.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.timer);
    const drained = Promise.allSettled([...this.running]);
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([drained, new Promise<void>((resolve) => (timeout = setTimeout(resolve, DRAIN_TIMEOUT_MS)))]);
    clearTimeout(timeout);
    this.abort.abort();
    await drained;
    await this.options.store.releaseJobs(this.options.owner).catch((error: unknown) => {
      this.options.logger.warn(
        { err: error },
        'batch leases not released; another instance resumes them when they lapse',
      );
    });
  }

  private scheduleNextPoll(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.step(), this.options.config().poll_interval_ms);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.stopped) return;
    if (this.stepping) {
      this.stepAgain = true;
      return;
    }
    this.stepping = true;
    try {
      do {
        this.stepAgain = false;
        await this.stepOnce();
      } while (this.stepAgain && !this.stopped);
    } catch (error) {
      this.options.logger.error({ err: error }, 'batch runner step failed; retrying at the next poll');
    } finally {
      this.stepping = false;
      this.scheduleNextPoll();
    }
  }

  private async stepOnce(): Promise<void> {
    const config = this.options.config();
    const now = this.now();
    if (now - this.lastClaimAt >= Math.min(config.poll_interval_ms, config.lease_ms / 3)) {
      await this.options.store.removeAbandoned(now - ABANDONED_AFTER_MS);
      this.jobs = await this.options.store.claimJobs({ owner: this.options.owner, now, leaseMs: config.lease_ms });
      this.lastClaimAt = now;
      // Pending lines may have changed (retries came due, another instance ran some): read them afresh.
      this.buffered.clear();
    }
    const runnable: BatchJob[] = [];
    for (const job of this.jobs) {
      const running = this.inFlight.get(job.id)?.size ?? 0;
      const expired = now >= job.expiresAt && job.status === 'in_progress';
      const stopping = expired || job.status === 'cancelling';
      const providerDue =
        now - (this.providerStepAt.get(job.id) ?? Number.NEGATIVE_INFINITY) >= config.poll_interval_ms;
      if (providerDue) this.providerStepAt.set(job.id, now);
      if (this.options.providerLane && (providerDue || stopping)) {
        await this.options.providerLane.poll(job, { stopping });
      }
      if (stopping || job.status === 'finalizing') {
        if (running === 0 && (await this.openSubmissions(job)) === 0) {
          await this.finish(job, expired ? 'expired' : job.status === 'cancelling' ? 'cancelled' : 'completed');
        }
        continue;
      }
      if ((this.blockedUntil.get(job.id) ?? 0) > now) continue;
      if (!(await this.hasBudgetRoom(job, now, config.poll_interval_ms))) continue;
      if (providerDue) {
        if (this.options.providerLane) await this.options.providerLane.plan(job);
        else await this.options.store.submissions.assignUnplanned({ batchId: job.id, lane: 'gateway' });
      }
      runnable.push(job);
    }
    await this.fill(runnable, now, config);
  }

  private async openSubmissions(job: BatchJob): Promise<number> {
    return this.options.providerLane ? this.options.providerLane.openCount(job) : 0;
  }

  private async hasBudgetRoom(job: BatchJob, now: number, pollMs: number): Promise<boolean> {
    const checked = this.budgetCheckedAt.get(job.id);
    if (checked && now - checked.at < pollMs) return checked.room;
    const room = await this.options.budgetRoom(job);
    this.budgetCheckedAt.set(job.id, { at: now, room });
    if (!room) this.options.logger.info({ batchId: job.id }, 'batch waits: a budget is past its throttle threshold');
    return room;
  }

  /** Starts lines round-robin across batches while capacity allows; ends batches with nothing left. */
  private async fill(jobs: BatchJob[], now: number, config: BatchConfig): Promise<void> {
    const exhausted = new Set<string>();
    for (;;) {
      let started = false;
      for (const job of jobs) {
        if (exhausted.has(job.id) || this.stopped) continue;
        const line = await this.nextLine(job, now, config);
        if (!line) {
          exhausted.add(job.id);
          if ((this.inFlight.get(job.id)?.size ?? 0) === 0) await this.completeIfDone(job);
          continue;
        }
        const release = this.options.capacity.tryAcquire();
        if (!release) {
          this.buffered.get(job.id)?.unshift(line);
          return;
        }
        this.launch(job, line, release);
        started = true;
      }
      if (!started) return;
    }
  }

  private async nextLine(job: BatchJob, now: number, config: BatchConfig): Promise<PendingLine | undefined> {
    let buffer = this.buffered.get(job.id);
    if (!buffer || buffer.length === 0) {
      const running = this.inFlight.get(job.id) ?? new Set<number>();
      const fetched = await this.options.store.pendingLines({
        batchId: job.id,
        now,
        limit: config.concurrency * 2 + running.size,
      });
      buffer = fetched.filter((line) => !running.has(line.index));
      this.buffered.set(job.id, buffer);
    }
    return buffer.shift();
  }

  private async completeIfDone(job: BatchJob): Promise<void> {
    const counts = await this.options.store.countLines(job.id);
    if (counts.pending > 0) return;
    await this.finish(job, 'completed');
  }

  private async finish(job: BatchJob, outcome: 'completed' | 'cancelled' | 'expired'): Promise<void> {
    const ended = await finishBatchJob({ store: this.options.store, job, outcome, at: this.now() });
    if (ended) this.options.logger.info({ batchId: job.id, status: outcome }, 'batch ended');
    this.jobs = this.jobs.filter((held) => held.id !== job.id);
    this.buffered.delete(job.id);
    this.budgetCheckedAt.delete(job.id);
    this.blockedUntil.delete(job.id);
    this.providerStepAt.delete(job.id);
    this.lastClaimAt = Number.NEGATIVE_INFINITY;
  }

  private launch(job: BatchJob, line: PendingLine, release: () => void): void {
    const lines = this.inFlight.get(job.id) ?? new Set<number>();
    lines.add(line.index);
    this.inFlight.set(job.id, lines);
    const work = this.runOne(job, line).finally(() => {
      lines.delete(line.index);
      release();
      this.running.delete(work);
      this.wake();
    });
    this.running.add(work);
  }

  private async runOne(job: BatchJob, line: PendingLine): Promise<void> {
    const { store, logger } = this.options;
    try {
      const run = await this.options.runLine(job, line, this.abort.signal);
      const now = this.now();
      if (this.abort.signal.aborted) {
        // Stopped mid-try: the try's ledger row (if any) keeps its id; the next run is a new try, not a failure.
        await store.scheduleRetry({
          batchId: job.id,
          index: line.index,
          attempt: line.attempt + 1,
          failures: line.failures,
          notBefore: 0,
        });
        return;
      }
      if (run.kind === 'result') {
        await store.recordResult({ batchId: job.id, index: line.index, result: run.result, at: now });
        return;
      }
      await store.scheduleRetry({
        batchId: job.id,
        index: line.index,
        attempt: line.attempt + 1,
        failures: line.failures + (run.failure ? 1 : 0),
        notBefore: now + run.delayMs,
      });
      if (!run.failure) {
        this.blockedUntil.set(job.id, now + run.delayMs);
        this.budgetCheckedAt.delete(job.id);
      }
      logger.info(
        { batchId: job.id, line: line.index, reason: run.reason, delayMs: Math.round(run.delayMs) },
        'batch line retried later',
      );
    } catch (error) {
      // The line stays pending with the same try number: it runs again with the same request id.
      logger.error({ err: error, batchId: job.id, line: line.index }, 'batch line result could not be stored');
    }
  }
}
