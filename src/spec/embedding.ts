/** A request for embeddings. */
export interface EmbeddingRequest {
  /** The model name the client asked for. */
  model: string;
  /** The texts to embed. */
  input: string[];
  /** Requested vector size, where the model supports shortening. */
  dimensions?: number;
}

/** Embeddings for each input, in order. */
export interface EmbeddingResponse {
  /** The concrete model that answered. */
  model: string;
  /** One vector per input. */
  embeddings: number[][];
  /** Input tokens billed. */
  inputTokens: number;
}
