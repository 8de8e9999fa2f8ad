import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../../spec/index.js';
import type { TraceSource } from '../trace/read-trace.js';
import type { KnownVectors } from './create-shared-embedder.js';
import type { LaneOutcome, SeededVariant } from './replay-lanes.js';
import type { ReplayWorkerData, ReplayWorkerMessage, ReplayWorkerRequest } from './replay-worker.js';

/**
 * A larger young generation for workers: a replay allocates short-lived prompts, bodies and token
 * arrays by the megabyte per thousand requests, and 32 MB semi-spaces (V8's default is 16 MB at most)
 * cut the time spent in scavenges by about a third (profile of the Azure hour).
 */
const WORKER_HEAP_FLAGS = ['--max-semi-space-size=32'];

/** The worker module, and the Node flags it needs: tsx's loader when running the TypeScript sources. */
function workerEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './replay-worker.ts' : './replay-worker.js', import.meta.url));
  const hasLoader = process.execArgv.some((argument) => argument.includes('tsx'));
  const inherited = fromSource && !hasLoader ? [...process.execArgv, '--import', 'tsx'] : process.execArgv;
  const heap = inherited.some((argument) => argument.startsWith('--max-semi-space-size')) ? [] : WORKER_HEAP_FLAGS;
  return { path, execArgv: [...heap, ...inherited] };
}

/** How long a stopped worker may take to exit by itself. */
const STOP_GRACE_MS = 1_000;

/** One worker process, asked for one thing at a time. */
class WorkerProcess {
  private readonly child: ChildProcess;
  private pending:
    | {
        resolve: (message: ReplayWorkerMessage) => void;
        reject: (error: Error) => void;
        onMessage: (message: ReplayWorkerMessage) => void;
      }
    | undefined;
  private failure: Error | undefined;

  constructor() {
    const { path, execArgv } = workerEntry();
    // Advanced serialisation sends the embedding phase's Float32Arrays as bytes, not JSON.
    this.child = fork(path, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });
    this.child.on('message', (message: ReplayWorkerMessage) => {
      const pending = this.pending;
      if (!pending) return;
      if (message.type === 'error') {
        this.pending = undefined;
        pending.reject(new GatewayError({ code: 'internal', message: `replay worker failed: ${message.message}` }));
      } else if (message.type === 'embedded' || message.type === 'done') {
        this.pending = undefined;
        pending.resolve(message);
      } else {
        pending.onMessage(message);
      }
    });
    this.child.on('error', (error) => {
      this.failure ??= error;
    });
    this.child.on('exit', (code) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(
        this.failure ?? new GatewayError({ code: 'internal', message: `replay worker exited with code ${code}` }),
      );
    });
  }

  ask(request: ReplayWorkerRequest, onMessage: (message: ReplayWorkerMessage) => void): Promise<ReplayWorkerMessage> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onMessage };
      this.child.send(request);
    });
  }

  /**
   * Lets a worker that has finished exit by itself (so that `--cpu-prof` and the like write their
   * files), and kills it if it has not within a second.
   */
  stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const timer = setTimeout(() => this.child.kill(), STOP_GRACE_MS);
    this.child.once('exit', () => clearTimeout(timer));
    if (this.child.connected) this.child.disconnect();
  }
}

/** Embeds texts with the local model, shared among worker processes; vectors grouped by worker. */
async function embedWith(
  workers: readonly WorkerProcess[],
  texts: readonly string[],
  onProgress: (done: number) => void,
): Promise<KnownVectors[]> {
  // Sorted by length and dealt in turn: each worker gets a like share of long texts, and batches of
  // similar lengths (the model pads a batch to its longest text).
  const sorted = [...texts].sort((a, b) => a.length - b.length);
  const done = workers.map(() => 0);
  return Promise.all(
    workers.map(async (worker, index) => {
      const part = sorted.filter((_, position) => position % workers.length === index);
      const reply = await worker.ask({ type: 'embed', texts: part }, (message) => {
        if (message.type !== 'embed-progress') return;
        done[index] = message.done;
        onProgress(done.reduce((sum, value) => sum + value, 0));
      });
      return { texts: part, vectors: reply.type === 'embedded' ? reply.vectors : [] };
    }),
  );
}

/**
 * Embeds texts with the local model in `workers` processes at once (the model runs on one core per
 * process), for a replay in this process that will need them: pass the result as `known`.
 */
export async function embedInWorkers(options: {
  texts: readonly string[];
  workers: number;
  onProgress?: (done: number) => void;
}): Promise<KnownVectors[]> {
  const workers = Array.from({ length: Math.max(1, options.workers) }, () => new WorkerProcess());
  try {
    return await embedWith(workers, options.texts, options.onProgress ?? (() => undefined));
  } finally {
    for (const worker of workers) worker.stop();
  }
}

/** What one worker process replays: configurations, over the whole trace or a slice of it. */
export interface WorkerTask {
  variants: SeededVariant[];
  /** Only every `step`-th request of the trace, from position `offset`; default all. */
  share?: { offset: number; step: number };
}

/** Options for {@link replayInWorkers}. */
export interface ReplayInWorkersOptions {
  source: TraceSource;
  tasks: WorkerTask[];
  bucketEndsMs: number[];
  prefetch: number;
  /**
   * Prompts the semantic cache will embed: split among all the workers and embedded first, in
   * parallel, then handed to each task with a semantic cache, so that the one or two processes holding
   * those configurations do not embed every prompt alone.
   */
  embedTexts?: string[];
  /** Told how many of `embedTexts` are embedded. */
  onEmbedProgress?: (done: number) => void;
  /** Told after progress in any task: requests done so far and the virtual time reached, per task. */
  onProgress: (progress: readonly { done: number; atMs: number }[]) => void;
}

/**
 * Replays tasks in worker processes, one task per process, each reading the trace again from its
 * source: configurations are independent (own gateway, clock, caches and budgets), and so are slices
 * of a trace whose requests are independent, so they run on separate cores. Returns each task's outcomes, in task
 * order, and each process's CPU time, ms.
 */
export async function replayInWorkers(
  options: ReplayInWorkersOptions,
): Promise<{ outcomes: LaneOutcome[][]; cpuMs: number[] }> {
  const workers = options.tasks.map(() => new WorkerProcess());
  try {
    const texts = options.embedTexts ?? [];
    const known =
      texts.length > 0 ? await embedWith(workers, texts, options.onEmbedProgress ?? (() => undefined)) : undefined;
    const progress = options.tasks.map(() => ({ done: 0, atMs: 0 }));
    const replies = await Promise.all(
      workers.map((worker, index) => {
        const task = options.tasks[index] as WorkerTask;
        const semantic = task.variants.some(
          ({ variant }) => variant.config.cache.enabled && variant.config.cache.semantic.enabled,
        );
        const data: ReplayWorkerData = {
          source: options.source,
          variants: task.variants,
          bucketEndsMs: options.bucketEndsMs,
          prefetch: options.prefetch,
          ...(task.share ? { share: task.share } : {}),
          ...(semantic && known ? { known } : {}),
        };
        return worker.ask({ type: 'replay', data }, (message) => {
          if (message.type !== 'progress') return;
          progress[index] = { done: message.done, atMs: message.atMs };
          options.onProgress(progress);
        });
      }),
    );
    const outcomes: LaneOutcome[][] = [];
    const cpuMs: number[] = [];
    for (const reply of replies) {
      if (reply.type !== 'done')
        throw new GatewayError({ code: 'internal', message: 'a replay worker did not finish' });
      outcomes.push(reply.outcomes);
      cpuMs.push(reply.cpuMs);
    }
    return { outcomes, cpuMs };
  } finally {
    for (const worker of workers) worker.stop();
  }
}
