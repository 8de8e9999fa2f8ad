import type { Embedder } from '../../src/cache/embedders/embedder.js';
import { SemanticCache } from '../../src/cache/semantic/semantic-cache.js';
import type { VerifierOptions } from '../../src/cache/semantic/verify-match.js';

/** How a served hit is judged: right, wrong, or unknown (no label says). */
export type HitJudgement = 'correct' | 'wrong' | 'unknown';

/** Outcome of replaying queries through a real {@link SemanticCache}. */
export interface SimulationResult {
  queries: number;
  correctHits: number;
  wrongHits: number;
  /** Hits no label judges (another cached prompt than the labelled partner); left out of precision. */
  unknownHits: number;
  precision: number;
  recall: number;
  hitRate: number;
  /** Mean lookup time (ms), embedding excluded (vectors are precomputed). */
  meanLookupMs: number;
}

/**
 * Stores `cached` prompts in one scope of a real SemanticCache, then looks up each query and lets
 * `judge` say whether the prompt it was answered from asks the same thing. Recall is over the
 * `answerable` queries (those with a labelled duplicate in the cache).
 */
export async function simulateCache(options: {
  embedder: Embedder;
  cached: readonly string[];
  queries: readonly string[];
  judge: (query: string, answeredFrom: string) => HitJudgement;
  answerable: number;
  threshold: number;
  verifier: VerifierOptions | false;
}): Promise<SimulationResult> {
  const cache = new SemanticCache<string>({
    embedder: options.embedder,
    maxEntries: options.cached.length + 1,
    thresholds: { defaultThreshold: options.threshold },
    verifier: options.verifier,
  });
  const scope = { tenant: 'eval', modelTier: 'any' };
  for (const text of new Set(options.cached)) await cache.store({ scope, text, value: text });
  const counts: Record<HitJudgement, number> = { correct: 0, wrong: 0, unknown: 0 };
  let lookupMs = 0;
  for (const query of options.queries) {
    const started = performance.now();
    const result = await cache.lookup({ scope, text: query });
    lookupMs += performance.now() - started;
    if (result.hit) counts[options.judge(query, result.value)]++;
  }
  const correctHits = counts.correct;
  const wrongHits = counts.wrong;
  const hits = correctHits + wrongHits + counts.unknown;
  await cache.close();
  return {
    queries: options.queries.length,
    correctHits,
    wrongHits,
    unknownHits: counts.unknown,
    precision: correctHits + wrongHits === 0 ? 1 : correctHits / (correctHits + wrongHits),
    recall: options.answerable === 0 ? 0 : correctHits / options.answerable,
    hitRate: options.queries.length === 0 ? 0 : hits / options.queries.length,
    meanLookupMs: options.queries.length === 0 ? 0 : lookupMs / options.queries.length,
  };
}
