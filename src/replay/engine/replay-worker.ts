import { createLogger } from '../../logging/create-logger.js';
import { loadTrace, type TraceSource } from '../trace/read-trace.js';
import { type LaneOutcome, replayVariants, type SeededVariant } from './replay-lanes.js';

/** What a replay worker process is sent: plain data only (the trace is read again from its source). */
export interface ReplayWorkerData {
  source: TraceSource;
  variants: SeededVariant[];
  bucketEndsMs: number[];
  prefetch: number;
}

/** What a replay worker process reports. */
export type ReplayWorkerMessage =
  | { type: 'progress'; done: number; atMs: number }
  | { type: 'done'; outcomes: LaneOutcome[] }
  | { type: 'error'; message: string };

/** Progress messages per worker: enough for a smooth bar, few enough to cost nothing. */
const PROGRESS_STEPS = 200;

function send(message: ReplayWorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

async function run(data: ReplayWorkerData): Promise<void> {
  const trace = await loadTrace(data.source);
  const every = Math.max(1, Math.floor(trace.requests.length / PROGRESS_STEPS));
  const outcomes = await replayVariants({
    requests: trace.requests,
    variants: data.variants,
    logger: createLogger({ level: 'silent' }),
    bucketEndsMs: data.bucketEndsMs,
    prefetch: data.prefetch,
    onProgress: (done, atMs) => {
      if (done % every === 0 || done === trace.requests.length) void send({ type: 'progress', done, atMs });
    },
  });
  const cpu = process.cpuUsage();
  const processCpuMs = (cpu.user + cpu.system) / 1000;
  await send({ type: 'done', outcomes: outcomes.map((outcome) => ({ ...outcome, processCpuMs })) });
}

// A child process rather than a worker thread: a native addon the gateway loads (usearch) hangs when
// loaded in a worker thread. The parent sends one message with the work, then waits for `done`.
if (process.send) {
  process.once('message', (data: ReplayWorkerData) => {
    run(data)
      .catch(async (error: unknown) => {
        await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      })
      .finally(() => process.disconnect());
  });
}
