/** Embedders for the semantic cache: the offline local model (default) and a provider's endpoint. */
export type { LocalEmbedderOptions } from './create-local-embedder.js';
export { createLocalEmbedder, LOCAL_EMBEDDER_ID } from './create-local-embedder.js';
export type { ProviderEmbedderOptions } from './create-provider-embedder.js';
export { createProviderEmbedder } from './create-provider-embedder.js';
export type { Embedder } from './embedder.js';
export type { LocalEmbedderRuntime } from './load-sentence-encoder.js';
export { normalizeVector } from './normalize-vector.js';
