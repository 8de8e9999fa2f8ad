// The local embedder's worker thread: the model runs here so that its forward passes (synchronous
// native or WASM code, milliseconds each) never block the gateway's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { embedInBatches, type LocalEmbedderRuntime, loadSentenceEncoder } from './load-sentence-encoder.js';
import type { EmbedRequestMessage, LocalEmbedderWorkerMessage } from './local-embedder-messages.js';

const port = parentPort;
if (port === null) throw new Error('local-embedder-worker runs as a worker thread only.');
const send = (message: LocalEmbedderWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const { runtime } = workerData as { runtime: LocalEmbedderRuntime };

try {
  const encoder = await loadSentenceEncoder(runtime);
  // Also the first pass, which sets the runtime up, before any request waits on it.
  const [probe] = await embedInBatches({ encoder, texts: [' '], batchSize: 1 });
  // Messages are handled one at a time: the model runs one pass at a time anyway, and this keeps a
  // burst of requests from holding many batches of tensors in memory at once.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: EmbedRequestMessage) => {
    queue = queue.then(async () => {
      try {
        const vectors = await embedInBatches({ encoder, texts: request.texts, batchSize: request.batchSize });
        const dimensions = vectors[0]?.length ?? 0;
        const packed = new Float32Array(vectors.length * dimensions);
        vectors.forEach((vector, row) => {
          packed.set(vector, row * dimensions);
        });
        send({ kind: 'vectors', id: request.id, packed, count: vectors.length }, [packed.buffer as ArrayBuffer]);
      } catch (error) {
        send({ kind: 'error', id: request.id, message: error instanceof Error ? error.message : String(error) });
      }
    });
  });
  send({ kind: 'ready', dimensions: probe?.length ?? 0 });
} catch (error) {
  send({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
}
