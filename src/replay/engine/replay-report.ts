import type { TraceFormat } from '../trace/trace-request.js';
import type { VariantName } from './replay-variants.js';

/** A budget threshold crossing during the replay (what a webhook would have received). */
export interface BudgetCrossing {
  /** Virtual time of the crossing, epoch ms. */
  atMs: number;
  budget: string;
  threshold: 'fallback' | 'throttle' | 'limit';
}

/** Token totals by how they are billed. */
export interface TokenTotals {
  uncachedInput: number;
  cacheReadInput: number;
  cacheWriteInput: number;
  output: number;
}

/** What one configuration did with the trace. */
export interface VariantResult {
  name: VariantName;
  label: string;
  /** Set when this column was not replayed because it equals that one by construction (see `planVariants`). */
  sameAs?: VariantName;
  /** The model requests asked for (`auto` or the baseline deployment). */
  model: string;
  requests: number;
  /** Requests answered (from a model or the cache). */
  succeeded: number;
  /** Failed requests by error code (budget refusals included). */
  errors: Record<string, number>;
  costUsd: number;
  /** Cost per million tokens of the traffic (the baseline's input + output tokens, the same for every column). */
  costPerMillionTokensUsd: number;
  /** Saving against the baseline, 0–1 (negative when dearer). */
  savingVsBaseline: number;
  tokens: TokenTotals;
  /** Requests answered from the gateway's answer cache. */
  cacheHits: { exact: number; semantic: number };
  /** Answer-cache hits over requests. */
  cacheHitRate: number;
  /** Input tokens read from providers' prefix caches over all input tokens sent. */
  prefixCacheHitRate: number;
  /** Share of requests per answering tier; `cache` for answer-cache hits, `failed` for errors; sums to 1. */
  tierShares: Record<string, number>;
  /** Share of model calls per deployment (`provider/model`), cache hits and failures excluded. */
  deploymentShares: Record<string, number>;
  /**
   * Model calls per route explanation without its numbers (`complexity … (codeMarkers) → premium`), for
   * configurations that route (`auto`): why the router sent traffic where it did. Most frequent first.
   */
  routeReasons?: Record<string, number>;
  budget: {
    /** Requests the budget rule sent to a cheaper tier. */
    downgraded: number;
    /** Requests refused with 429 by a budget. */
    rejected: number;
    crossings: BudgetCrossing[];
  };
  /** Measured quality, where the trace carries outcomes. */
  quality?: {
    /** Mean score over all requests (failures and unverifiable cache hits score 0). */
    mean: number;
    /** Semantic hits on a different prompt (scored 0: their answer was recorded for another question). */
    unverifiedHits: number;
    /** What the recorded models behind the answering tiers cost (RouterBench), USD. */
    recordedCostUsd: number;
  };
  /** Simulated latency from arrival to the last byte, virtual milliseconds. */
  latencyMs: { mean: number; p50: number; p95: number };
  /** Cumulative cost at each of the report's bucket ends, USD. */
  cumulativeCostUsd: number[];
  /** Projected cost of a month of this traffic, where the trace has real times or a monthly volume was given. */
  monthlyProjectionUsd?: number;
}

/** The whole replay, as printed, written as JSON and drawn. */
export interface ReplayReport {
  trace: {
    name: string;
    format: TraceFormat;
    requests: number;
    startMs: number;
    endMs: number;
    /** True when arrival times are recorded (not synthetic). */
    timed: boolean;
    notes: string[];
  };
  prices: {
    /** Date of the bundled catalogue. */
    catalogueDate: string;
    /** The scenario replayed, when one was given. */
    scenario?: string;
  };
  /** What the replay changed or could not model. */
  notes: string[];
  /** Input + output tokens of the traffic, as the baseline ran it. */
  trafficTokens: number;
  variants: VariantResult[];
  /** Ends of the time buckets of `cumulativeCostUsd`, epoch ms. */
  bucketEndsMs: number[];
  /** How the monthly projection was made, when there is one. */
  projectionBasis?: string;
  /** Wall-clock time the replay took. */
  elapsedMs: number;
  /** CPU time it took, this process and its worker processes together, ms. */
  cpuMs?: number;
  /**
   * CPU time of each worker process, ms, when the replay ran in them: on an otherwise idle machine with
   * a core per worker, the wall time is about this process's CPU time plus the largest of these.
   */
  workerCpuMs?: number[];
}
