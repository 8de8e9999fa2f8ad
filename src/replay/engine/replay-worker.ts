import type { Embedder } from '../../cache/embedders/embedder.js';
import { createLogger } from '../../logging/create-logger.js';
import { loadTrace, type TraceSource } from '../trace/read-trace.js';
import type { KnownVectors } from './create-shared-embedder.js';
import { type LaneOutcome, LOCAL_EMBEDDER_OPTIONS, replayVariants, type SeededVariant } from './replay-lanes.js';

/** A replay task: plain data only (the trace is read again from its source). */
export interface ReplayWorkerData {
  source: TraceSource;
  /** Replay only every `step`-th request, from position `offset`; default all. */
  share?: { offset: number; step: number };
  variants: SeededVariant[];
  bucketEndsMs: number[];
  prefetch: number;
  /** Vectors the embedding phase computed, for the semantic cache's embedder. */
  known?: KnownVectors[];
}

/** What the parent sends a worker: first, optionally, texts to embed; then the replay. */
export type ReplayWorkerRequest = { type: 'embed'; texts: string[] } | { type: 'replay'; data: ReplayWorkerData };

/** What a replay worker process reports. */
export type ReplayWorkerMessage =
  | { type: 'embed-progress'; done: number }
  | { type: 'embedded'; vectors: Float32Array[] }
  | { type: 'progress'; done: number; atMs: number }
  | { type: 'done'; outcomes: LaneOutcome[]; cpuMs: number }
  | { type: 'error'; message: string };

/** Progress messages per worker: enough for a smooth bar, few enough to cost nothing. */
const PROGRESS_STEPS = 200;

/** Texts per embedding batch, and per progress message of the embedding phase. */
const EMBED_BATCH = 32;

function send(message: ReplayWorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

let embedder: Promise<Embedder> | undefined;

function localEmbedder(): Promise<Embedder> {
  // Loaded on first use: a worker replaying no semantic cache never loads the model or ONNX Runtime.
  embedder ??= import('../../cache/embedders/create-local-embedder.js').then((module) =>
    module.createLocalEmbedder(LOCAL_EMBEDDER_OPTIONS),
  );
  return embedder;
}

async function embed(texts: readonly string[]): Promise<void> {
  const model = await localEmbedder();
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += EMBED_BATCH) {
    vectors.push(...(await model.embed(texts.slice(start, start + EMBED_BATCH))));
    void send({ type: 'embed-progress', done: Math.min(texts.length, start + EMBED_BATCH) });
  }
  await send({ type: 'embedded', vectors });
}

async function replay(data: ReplayWorkerData): Promise<void> {
  const trace = await loadTrace(data.source);
  const share = data.share;
  const requests = share
    ? trace.requests.filter((_, position) => position % share.step === share.offset)
    : trace.requests;
  const every = Math.max(1, Math.floor(requests.length / PROGRESS_STEPS));
  const semantic = data.variants.some(
    ({ variant }) => variant.config.cache.enabled && variant.config.cache.semantic.enabled,
  );
  const outcomes = await replayVariants({
    requests,
    ...(trace.delimiter === undefined ? {} : { delimiter: trace.delimiter }),
    variants: data.variants,
    logger: createLogger({ level: 'silent' }),
    bucketEndsMs: data.bucketEndsMs,
    prefetch: data.prefetch,
    ...(semantic ? { embedder: await localEmbedder() } : {}),
    ...(data.known ? { known: data.known } : {}),
    onProgress: (done, atMs) => {
      if (done % every === 0 || done === requests.length) void send({ type: 'progress', done, atMs });
    },
  });
  const cpu = process.cpuUsage();
  await send({ type: 'done', outcomes, cpuMs: (cpu.user + cpu.system) / 1000 });
}

async function handle(request: ReplayWorkerRequest): Promise<boolean> {
  if (request.type === 'embed') {
    await embed(request.texts);
    return false;
  }
  await replay(request.data);
  return true;
}

// A child process rather than a worker thread: a native addon the gateway loads (usearch) hangs when
// loaded in a worker thread. The parent sends the work (an embedding share first, when there is one,
// then the replay) and waits for `done`.
if (process.send) {
  process.on('message', (request: ReplayWorkerRequest) => {
    handle(request)
      .then((finished) => {
        if (finished) process.disconnect();
      })
      .catch(async (error: unknown) => {
        await send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
        process.disconnect();
      });
  });
}
