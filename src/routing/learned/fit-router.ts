import { GatewayError } from '../../spec/gateway-error.js';
import { fitKernelRidge } from './fit-kernel-ridge.js';
import { hashTextFeatures, type TextFeatureConfig } from './hash-text-features.js';
import { LearnedRouter } from './learned-router.js';
import { buildOutcomeTable, type OutcomeRow, type OutcomeTable } from './outcome-row.js';
import { ROUTER_FILE_VERSION, type RouterFile } from './router-file.js';
import { fitTfidfVocabulary, TfidfVectoriser } from './tfidf-vectoriser.js';

/** Training options; every field has a default that needs no tuning per data set. */
export interface FitRouterOptions {
  /** Text features (defaults: 2^18 buckets, word 1–2-grams, character 3–5-grams, last-segment features). */
  features?: Partial<TextFeatureConfig>;
  /** Drop features seen in fewer training prompts (default 2). */
  minDocumentCount?: number;
  /** Drop features seen in more than this share of training prompts (default 0.5: shared boilerplate). */
  maxDocumentShare?: number;
  /** Sub-linear term frequency (default true). */
  sublinearTf?: boolean;
  /** Ridge penalties each model chooses from by leave-one-out (default 0.1 … 100). */
  alphas?: readonly number[];
  /** Data model → configured tier or deployment, stored in `router.json`. */
  modelsMap?: Record<string, string>;
  /** Progress lines (for the CLI's stderr). */
  onProgress?: (message: string) => void;
}

/** Default text features. */
export const DEFAULT_TEXT_FEATURES: Readonly<TextFeatureConfig> = Object.freeze({
  hashBits: 18,
  wordNgramMax: 2,
  charNgramMin: 3,
  charNgramMax: 5,
  tailSegment: true,
});

const DEFAULT_ALPHAS: readonly number[] = [0.1, 0.3, 1, 3, 10, 30, 100];

// Six significant digits keep router.json small without changing any decision measurably.
function round(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(6));
}

/** Input of {@link fitRouterOnTable}. */
export interface FitRouterOnTableInput {
  table: OutcomeTable;
  /** Prompts (indices into `table.prompts`) to train on; evaluation passes its training folds. */
  promptIndices: readonly number[];
  options?: FitRouterOptions;
}

/** Trains the learned router on some prompts of an outcome table (see {@link fitRouter}). */
export function fitRouterOnTable(input: FitRouterOnTableInput): LearnedRouter {
  const started = performance.now();
  const { table, promptIndices } = input;
  const options = input.options ?? {};
  const progress = options.onProgress ?? (() => {});
  if (promptIndices.length < 2) {
    throw new GatewayError({ code: 'invalid_request', message: 'Training needs outcomes for at least two prompts' });
  }
  const features: TextFeatureConfig = { ...DEFAULT_TEXT_FEATURES, ...options.features };
  const counts = promptIndices.map((prompt) => hashTextFeatures(table.prompts[prompt] as string, features));
  const vocabulary = fitTfidfVocabulary({
    documents: counts,
    minDocumentCount: options.minDocumentCount ?? 2,
    maxDocumentShare: options.maxDocumentShare ?? 0.5,
    sublinearTf: options.sublinearTf ?? true,
  });
  const vectoriser = new TfidfVectoriser(vocabulary);
  const rows = counts.map((count) => vectoriser.vectorise(count));
  progress(`features: ${vocabulary.buckets.length} kept from ${promptIndices.length} prompts`);
  const targets = promptIndices.map((prompt) => table.scores[prompt] as Float64Array);
  const ridge = fitKernelRidge({ rows, columns: vectoriser.size, targets, alphas: options.alphas ?? DEFAULT_ALPHAS });
  progress(`fitted ${table.models.length} quality models`);
  const models = table.models.map((id, model) => {
    let qualitySum = 0;
    let costSum = 0;
    let observations = 0;
    for (const prompt of promptIndices) {
      const score = (table.scores[prompt] as Float64Array)[model] as number;
      const cost = (table.costs[prompt] as Float64Array)[model] as number;
      if (!Number.isFinite(score) || !Number.isFinite(cost)) continue;
      qualitySum += score;
      costSum += cost;
      observations += 1;
    }
    return {
      id,
      meanQuality: observations ? qualitySum / observations : 0,
      meanCostUsd: observations ? costSum / observations : 0,
      observations,
      bias: round(ridge.bias[model] as number),
      alpha: ridge.alpha[model] as number,
      weights: Array.from(ridge.weights[model] as Float64Array, round),
    };
  });
  const file: RouterFile = {
    format: 'tollgate-router',
    version: ROUTER_FILE_VERSION,
    method: 'tfidf-ridge',
    createdAt: new Date().toISOString(),
    features,
    vocabulary: { buckets: vocabulary.buckets, idf: vocabulary.idf.map(round), sublinearTf: vocabulary.sublinearTf },
    models,
    modelsMap: { ...options.modelsMap },
    training: {
      prompts: promptIndices.length,
      rows: models.reduce((sum, model) => sum + model.observations, 0),
      seconds: Math.round(performance.now() - started) / 1000,
    },
  };
  return new LearnedRouter(file);
}

/** Input of {@link fitRouter}. */
export interface FitRouterInput {
  /** Outcome rows (RouterBench CSV or the JSONL outcome format). */
  rows: readonly OutcomeRow[];
  options?: FitRouterOptions;
}

/**
 * Trains the learned router from outcome data: per data model, a ridge regression of the observed
 * score on the prompt's TF-IDF features, each model choosing its penalty by exact leave-one-out on
 * the training prompts. Deterministic, CPU only.
 */
export function fitRouter(input: FitRouterInput): LearnedRouter {
  const table = buildOutcomeTable(input.rows);
  const promptIndices = table.prompts.map((_, index) => index);
  return fitRouterOnTable({ table, promptIndices, ...(input.options ? { options: input.options } : {}) });
}
