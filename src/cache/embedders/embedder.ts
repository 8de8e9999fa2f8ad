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
  /**
   * One unit-length vector per text, in order. An aborted `signal` withdraws a call that has not
   * started computing yet (it rejects with the signal's reason); one already running completes.
   */
  embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]>;
}

/** Options of one {@link Embedder.embed} call. */
export interface EmbedOptions {
  /** Withdraws the call if it is still waiting for its turn (a speculative embedding no longer needed). */
  signal?: AbortSignal;
}
