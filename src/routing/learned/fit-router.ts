import { GatewayError } from '../../spec/gateway-error.js';
import { estimatePromptEasiness } from './estimate-prompt-easiness.js';
import { fitKernelRidge } from './fit-kernel-ridge.js';
import { fitLogisticLink } from './fit-logistic-link.js';
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
  /** Ridge penalties to choose from by generalised cross-validation (default 0.1 … 100). */
  alphas?: readonly number[];
  /**
   * What the text model predicts: `share` of models that succeed on a prompt, or its `irt` easiness
   * (see `estimatePromptEasiness`; default `share`).
   */
  difficultyTarget?: 'share' | 'irt';
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

/** Share of the observed models that succeeded on each prompt: the prompt's "easiness". */
function shareSucceeding(scores: readonly Float64Array[]): Float64Array[] {
  return scores.map((row) => {
    let sum = 0;
    let count = 0;
    for (const value of row) {
      if (Number.isFinite(value)) {
        sum += value;
        count += 1;
      }
    }
    return Float64Array.of(count > 0 ? sum / count : Number.NaN);
  });
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
  const scores = promptIndices.map((prompt) => table.scores[prompt] as Float64Array);
  const difficulty = fitKernelRidge({
    rows,
    columns: vectoriser.size,
    targets:
      options.difficultyTarget === 'irt'
        ? Array.from(estimatePromptEasiness({ scores }), (value) => Float64Array.of(value))
        : shareSucceeding(scores),
    alphas: options.alphas ?? DEFAULT_ALPHAS,
  });
  // Each model's link is fitted on held-out-like difficulty estimates, so that it learns how much the
  // score can be trusted on a new prompt rather than on prompts the ridge has already seen.
  const estimates = difficulty.leaveOneOut[0] as Float64Array;
  const mean = estimates.reduce((sum, value) => sum + value, 0) / estimates.length;
  const spread = Math.sqrt(estimates.reduce((sum, value) => sum + (value - mean) ** 2, 0) / estimates.length) || 1;
  const standardised = estimates.map((value) => (value - mean) / spread);
  progress(`difficulty model: ridge penalty ${difficulty.alpha[0]}`);
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
    const link = fitLogisticLink({ scores: standardised, outcomes: scores.map((row) => row[model] as number) });
    return {
      id,
      meanQuality: observations ? qualitySum / observations : 0,
      meanCostUsd: observations ? costSum / observations : 0,
      observations,
      // Folded onto the raw score: sigmoid(a + b · (raw − mean) / spread).
      link: { intercept: round(link.intercept - (link.slope * mean) / spread), slope: round(link.slope / spread) },
    };
  });
  progress(`fitted ${table.models.length} success links`);
  const file: RouterFile = {
    format: 'tollgate-router',
    version: ROUTER_FILE_VERSION,
    method: 'tfidf-difficulty-irt',
    createdAt: new Date().toISOString(),
    features,
    vocabulary: { buckets: vocabulary.buckets, idf: vocabulary.idf.map(round), sublinearTf: vocabulary.sublinearTf },
    difficulty: {
      bias: round(difficulty.bias[0] as number),
      alpha: difficulty.alpha[0] as number,
      weights: Array.from(difficulty.weights[0] as Float64Array, round),
    },
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
 * Trains the learned router from outcome data. The method is a text-conditioned two-parameter item
 * response model:
 * 1. a ridge regression (TF-IDF features, penalty by generalised cross-validation) predicts a prompt's
 *    difficulty score, the share of models that answer it well;
 * 2. per model, a logistic link turns that score into the model's probability of success, fitted on
 *    held-out estimates of the score.
 * Sharing one difficulty score makes every model's prediction move together: on an easy prompt all
 * models approach certainty and the cheap one suffices; on a hard one the gap to the strong model
 * opens (and on a hopeless one it closes again). Independent per-model predictors instead add
 * independent noise to each model and make the router chase it. Deterministic, CPU only.
 */
export function fitRouter(input: FitRouterInput): LearnedRouter {
  const table = buildOutcomeTable(input.rows);
  const promptIndices = table.prompts.map((_, index) => index);
  return fitRouterOnTable({ table, promptIndices, ...(input.options ? { options: input.options } : {}) });
}
