import type { LoadMeasurement } from './measure-load.js';
import type { LedgerRoundsResult } from './run-ledger-rounds.js';

/** Non-streamed JSON, or SSE. */
export type LoadMode = 'json' | 'stream';

/**
 * The ways a request reaches the mock: straight; through a bare node:http + undici pass-through (the
 * floor any Node gateway pays); through Tollgate (ledger off, and with its SQLite ledger on); through Portkey.
 */
export type TargetName = 'direct' | 'floor' | 'tollgate' | 'tollgate-ledger' | 'portkey';

/** One (target, mode, concurrency) measurement. */
export interface OverheadCell {
  target: TargetName;
  mode: LoadMode;
  concurrency: number;
  measurement: LoadMeasurement;
  /**
   * CPU time the gateway process(es) spent per answered request (user + system, all workers); for
   * `direct`, the mock's. Unlike latency and throughput it hardly moves when other work shares the
   * machine, so it is the figure to compare on a busy box.
   */
  cpuMsPerRequest: number | undefined;
  /** The machine's 1-minute load average when the cell ended: above the core count, other work competed. */
  loadAverage: number;
}

/** Peak resident memory of a gateway over its whole run. */
export interface PeakMemory {
  /** The largest single process (a cluster worker, or the one process). */
  largestMb: number;
  /** All its processes together (primary and workers for a cluster). */
  totalMb: number;
  processes: number;
}

/** Everything one `bench:overhead` run measured, as written to bench/results/. */
export interface OverheadResult {
  date: string;
  command: string;
  machine: { node: string; cpus: number; cpuModel: string; memoryGb: number };
  upstream: 'instant' | 'simulated';
  tollgateWorkers: number;
  durationSeconds: number;
  warmupSeconds: number;
  cells: OverheadCell[];
  memory: Partial<Record<Exclude<TargetName, 'direct'>, PeakMemory>>;
  /** Node flags of the Tollgate processes when `--node-flags` replaced the default ones. */
  tollgateNodeFlags?: readonly string[];
  /** The interleaved ledger on/off rounds (`--ledger-rounds N`). */
  ledgerRounds?: LedgerRoundsResult;
}
