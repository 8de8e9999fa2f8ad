/** What the main thread asks the local embedder's worker. */
export interface EmbedRequestMessage {
  id: number;
  texts: string[];
  batchSize: number;
}

/**
 * What the worker answers: `ready` once the model is loaded (or `failed` if it could not be), then per
 * request its vectors, packed row by row into one transferred buffer, or the error it met.
 */
export type LocalEmbedderWorkerMessage =
  | { kind: 'ready'; dimensions: number }
  | { kind: 'failed'; message: string }
  | { kind: 'vectors'; id: number; packed: Float32Array; count: number }
  | { kind: 'error'; id: number; message: string };
