import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { GatewayError } from '../../spec/index.js';
import type { TraceSource } from '../trace/read-trace.js';
import type { LaneOutcome, SeededVariant } from './replay-lanes.js';
import type { ReplayWorkerData, ReplayWorkerMessage } from './replay-worker.js';

/** The worker module, and the Node flags it needs: tsx's loader when running the TypeScript sources. */
function workerEntry(): { path: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(fromSource ? './replay-worker.ts' : './replay-worker.js', import.meta.url));
  const hasLoader = process.execArgv.some((argument) => argument.includes('tsx'));
  return { path, execArgv: fromSource && !hasLoader ? [...process.execArgv, '--import', 'tsx'] : process.execArgv };
}

function runWorker(options: {
  data: ReplayWorkerData;
  onProgress: (done: number, atMs: number) => void;
}): Promise<LaneOutcome[]> {
  const { path, execArgv } = workerEntry();
  return new Promise((resolve, reject) => {
    const child = fork(path, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    let outcome: LaneOutcome[] | undefined;
    let failure: Error | undefined;
    child.on('message', (message: ReplayWorkerMessage) => {
      if (message.type === 'progress') options.onProgress(message.done, message.atMs);
      else if (message.type === 'done') outcome = message.outcomes;
      else failure = new GatewayError({ code: 'internal', message: `replay worker failed: ${message.message}` });
    });
    child.on('error', (error) => {
      failure ??= error;
    });
    child.on('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(failure ?? new GatewayError({ code: 'internal', message: `replay worker exited with code ${code}` }));
    });
    child.send(options.data);
  });
}

/**
 * Replays groups of configurations in worker processes, one group per process, each reading the trace
 * again from its source: the configurations are independent (own gateway, clock, caches and budgets),
 * so they run on separate cores. Outcomes come back in the order of `groups`, flattened.
 */
export async function replayInWorkers(options: {
  source: TraceSource;
  groups: SeededVariant[][];
  bucketEndsMs: number[];
  prefetch: number;
  onProgress: (done: number, atMs: number) => void;
}): Promise<LaneOutcome[]> {
  const progress = options.groups.map(() => ({ done: 0, atMs: 0 }));
  const report = (): void => {
    const slowest = progress.reduce((low, entry) => (entry.done < low.done ? entry : low));
    options.onProgress(slowest.done, slowest.atMs);
  };
  const results = await Promise.all(
    options.groups.map((variants, index) =>
      runWorker({
        data: { source: options.source, variants, bucketEndsMs: options.bucketEndsMs, prefetch: options.prefetch },
        onProgress: (done, atMs) => {
          progress[index] = { done, atMs };
          report();
        },
      }),
    ),
  );
  return results.flat();
}
