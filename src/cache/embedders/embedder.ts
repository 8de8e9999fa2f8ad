/**
 * Turns texts into unit-length vectors for the semantic cache. Implementations normalise every
 * vector to length 1 so that cosine similarity is a plain inner product everywhere downstream
 * (index, thresholds, verifier), whatever the model or provider returned.
 */
export interface Embedder {
  /** Stable name of the model behind this embedder; vectors from different ids never share an index. */
  readonly id: string;
  /** Length of every vector this embedder returns. */
  readonly dimensions: number;
  /** One unit-length vector per text, in order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}
