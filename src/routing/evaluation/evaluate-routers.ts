import { GatewayError } from '../../spec/gateway-error.js';
import { chooseCandidate, type QualityKnob } from '../learned/choose-candidate.js';
import { findEfficientCandidates } from '../learned/find-efficient-candidates.js';
import { type FitRouterOptions, fitRouterOnTable } from '../learned/fit-router.js';
import { buildOutcomeTable, completePromptIndices, type OutcomeRow } from '../learned/outcome-row.js';
import {
  averagePerformanceGapRecovered,
  type CurvePoint,
  costToReach,
  type ReferencePoint,
  upperConvexHull,
} from './cost-quality-curve.js';
import { fitKnnBaseline } from './fit-knn-baseline.js';
import { splitFoldsByPrompt } from './split-folds-by-prompt.js';

/** The premium model of the quality bar, when the data has it. */
export const DEFAULT_PREMIUM_MODEL = 'gpt-4-1106-preview';

/** Quality levels (share of the premium model's quality) whose cost is reported. */
export const QUALITY_LEVELS = [0.5, 0.8, 0.95] as const;
/** Gap levels (share of the cheapest→premium quality gap) whose cost is reported. */
export const GAP_LEVELS = [0.5, 0.8] as const;

/** What kind of method a curve belongs to. */
export type MethodKind = 'learned' | 'knn' | 'knn-pruned' | 'random' | 'oracle' | 'cheapest' | 'premium' | 'single';

/** One method's cost–quality curve and metrics. */
export interface MethodEvaluation {
  name: string;
  kind: MethodKind;
  /** Every operating point of the knob sweep (one point for a single model). */
  points: CurvePoint[];
  /** The non-decreasing convex hull of the points. */
  hull: CurvePoint[];
  /** Average performance gap recovered (see `averagePerformanceGapRecovered`). */
  apgr: number;
  /** Cost, as a fraction of the premium model's cost, to reach 50/80/95% of its quality; null if never. */
  costForQuality: Record<string, number | null>;
  /** Cost, as a fraction of the premium model's cost, to recover 50/80% of the cheapest→premium gap. */
  costForGap: Record<string, number | null>;
  /** Highest quality on the curve. */
  bestQuality: number;
}

/** A reference model's mean cost and quality on the evaluated prompts. */
export interface ReferenceModel extends ReferencePoint {
  model: string;
}

/** Result of {@link evaluateRouters}. */
export interface RouterEvaluation {
  /** Prompts evaluated (those with every model's outcome). */
  prompts: number;
  folds: number;
  seed: number;
  models: string[];
  cheapest: ReferenceModel;
  premium: ReferenceModel;
  methods: MethodEvaluation[];
  /** The learned router's training time per fold, and its decision latency per request (ms). */
  learned: { trainSeconds: number[]; decisionMs: { p50: number; p99: number; mean: number } };
  /** The kNN baseline's k per fold. */
  knn: { k: number[] };
}

/** Input of {@link evaluateRouters}. */
export interface EvaluateRoutersInput {
  rows: readonly OutcomeRow[];
  /** Cross-validation folds, by prompt (default 5). */
  folds?: number;
  /** Seed of the fold assignment (default 1). */
  seed?: number;
  /** The premium model (default gpt-4-1106-preview, else the model with the best mean quality). */
  premiumModel?: string;
  /** Options of the learned router. */
  fitOptions?: FitRouterOptions;
  onProgress?: (message: string) => void;
}

/** The knob sweep every predictive router is evaluated over. */
export function knobSweep(): QualityKnob[] {
  const knobs: QualityKnob[] = [{ costWeight: 0 }];
  for (let step = 0; step <= 60; step += 1) knobs.push({ costWeight: 10 ** (-3 + step / 10) });
  // Up to 1.01: a target no prediction reaches, where the router always escalates to the strongest model.
  for (let step = 0; step <= 101; step += 1) knobs.push({ targetQuality: step / 100 });
  return knobs;
}

function knobLabel(knob: QualityKnob): string {
  return knob.targetQuality !== undefined
    ? `target ${knob.targetQuality}`
    : `λ ${Number(knob.costWeight.toPrecision(3))}`;
}

function percentile(sorted: readonly number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] as number;
}

/**
 * Evaluates the learned router against the baselines with k-fold cross-validation by prompt: each
 * fold's router (and kNN baseline) is trained on the other folds only, every prompt gets out-of-fold
 * predictions, and each knob value of {@link knobSweep} becomes one (mean cost, mean quality) point
 * measured with the prompts' actual costs and scores. Baselines: always-cheapest, always-premium, each
 * single model, random mixing of cheapest and premium, TF-IDF kNN (with the same knob rules, and once
 * more with the learned router's candidate pruning), and the oracle (the cheapest model that actually
 * succeeds). The learned router decides exactly as `LearnedRouter.choose` does, with each fold's
 * training means as costs and track records.
 */
export function evaluateRouters(input: EvaluateRoutersInput): RouterEvaluation {
  const progress = input.onProgress ?? (() => {});
  const folds = input.folds ?? 5;
  const seed = input.seed ?? 1;
  const table = buildOutcomeTable(input.rows);
  const complete = completePromptIndices(table);
  if (complete.length < folds * 2) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `Evaluation needs at least ${folds * 2} prompts with every model's outcome; the data has ${complete.length}`,
    });
  }
  const models = table.models;
  const completeSet = new Set(complete);
  const incomplete = table.prompts.map((_, index) => index).filter((index) => !completeSet.has(index));
  const meanOver = (values: (prompt: number) => number) =>
    complete.reduce((sum, prompt) => sum + values(prompt), 0) / complete.length;
  const modelCost = models.map((_, model) =>
    meanOver((prompt) => (table.costs[prompt] as Float64Array)[model] as number),
  );
  const modelQuality = models.map((_, model) =>
    meanOver((prompt) => (table.scores[prompt] as Float64Array)[model] as number),
  );
  const cheapestIndex = modelCost.indexOf(Math.min(...modelCost));
  const requestedPremium =
    input.premiumModel ?? (models.includes(DEFAULT_PREMIUM_MODEL) ? DEFAULT_PREMIUM_MODEL : undefined);
  const premiumIndex =
    requestedPremium !== undefined ? models.indexOf(requestedPremium) : modelQuality.indexOf(Math.max(...modelQuality));
  if (premiumIndex < 0) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `Premium model ${requestedPremium} is not in the data`,
    });
  }
  const reference = (index: number): ReferenceModel => ({
    model: models[index] as string,
    cost: modelCost[index] as number,
    quality: modelQuality[index] as number,
  });
  const cheapest = reference(cheapestIndex);
  const premium = reference(premiumIndex);

  const learnedPredictions = new Map<number, Float64Array>();
  const knnPredictions = new Map<number, Float64Array>();
  const decisionCosts = new Map<number, Float64Array>();
  const decisionPriors = new Map<number, Float64Array>();
  const decisionEligible = new Map<number, boolean[]>();
  const trainSeconds: number[] = [];
  const knnK: number[] = [];
  const latencies: number[] = [];
  const foldList = splitFoldsByPrompt({ promptIndices: complete, folds, seed });
  foldList.forEach((testPrompts, fold) => {
    const testSet = new Set(testPrompts);
    const trainPrompts = [...complete.filter((prompt) => !testSet.has(prompt)), ...incomplete];
    const started = performance.now();
    const router = fitRouterOnTable({
      table,
      promptIndices: trainPrompts,
      ...(input.fitOptions ? { options: input.fitOptions } : {}),
    });
    trainSeconds.push((performance.now() - started) / 1000);
    const knn = fitKnnBaseline({ table, promptIndices: trainPrompts });
    knnK.push(knn.k);
    const costs = router.meanCosts();
    const priors = router.meanQualities();
    const eligible = findEfficientCandidates({ priors, costs });
    const candidates = models.map((id, model) => ({ id, costPerRequestEstimate: costs[model] as number }));
    for (const prompt of testPrompts) {
      const text = table.prompts[prompt] as string;
      learnedPredictions.set(prompt, router.scoreVector(text));
      knnPredictions.set(prompt, knn.predict(text));
      decisionCosts.set(prompt, costs);
      decisionPriors.set(prompt, priors);
      decisionEligible.set(prompt, eligible);
      const decisionStarted = performance.now();
      router.choose({ prompt: text, candidates, costWeight: 1 });
      latencies.push(performance.now() - decisionStarted);
    }
    progress(`fold ${fold + 1}/${foldList.length}: trained in ${trainSeconds[fold]?.toFixed(1)}s, kNN k=${knn.k}`);
  });

  // `prune` applies the learned router's candidate rule (only models on the hull of the training
  // track records); the standard kNN baseline goes without it, and is also shown with it.
  const sweep = (predictions: Map<number, Float64Array>, prune: boolean): CurvePoint[] =>
    knobSweep().map((knob) => {
      let cost = 0;
      let quality = 0;
      for (const prompt of complete) {
        const chosen = chooseCandidate({
          qualities: predictions.get(prompt) as Float64Array,
          costs: decisionCosts.get(prompt) as Float64Array,
          priors: decisionPriors.get(prompt) as Float64Array,
          ...(prune ? { eligible: decisionEligible.get(prompt) as boolean[] } : {}),
          knob,
        });
        cost += (table.costs[prompt] as Float64Array)[chosen] as number;
        quality += (table.scores[prompt] as Float64Array)[chosen] as number;
      }
      return { cost: cost / complete.length, quality: quality / complete.length, label: knobLabel(knob) };
    });
  const oraclePoints = knobSweep()
    .filter((knob) => knob.costWeight !== undefined)
    .map((knob) => {
      let cost = 0;
      let quality = 0;
      for (const prompt of complete) {
        const costs = table.costs[prompt] as Float64Array;
        const chosen = chooseCandidate({ qualities: table.scores[prompt] as Float64Array, costs, knob });
        cost += costs[chosen] as number;
        quality += (table.scores[prompt] as Float64Array)[chosen] as number;
      }
      return { cost: cost / complete.length, quality: quality / complete.length, label: `oracle ${knobLabel(knob)}` };
    });
  const randomPoints = Array.from({ length: 11 }, (_, step) => {
    const share = step / 10;
    return {
      cost: (1 - share) * cheapest.cost + share * premium.cost,
      quality: (1 - share) * cheapest.quality + share * premium.quality,
      label: `${Math.round(share * 100)}% premium`,
    };
  });
  const single = (index: number): CurvePoint[] => [
    { cost: modelCost[index] as number, quality: modelQuality[index] as number, label: models[index] as string },
  ];

  const describe = (name: string, kind: MethodKind, points: CurvePoint[]): MethodEvaluation => {
    const hull = upperConvexHull(points);
    const fraction = (cost: number | undefined) => (cost === undefined ? null : cost / premium.cost);
    return {
      name,
      kind,
      points,
      hull,
      apgr: averagePerformanceGapRecovered({ hull, cheapest, premium }),
      costForQuality: Object.fromEntries(
        QUALITY_LEVELS.map((level) => [String(level), fraction(costToReach(hull, level * premium.quality))]),
      ),
      costForGap: Object.fromEntries(
        GAP_LEVELS.map((level) => [
          String(level),
          fraction(costToReach(hull, cheapest.quality + level * (premium.quality - cheapest.quality))),
        ]),
      ),
      bestQuality: Math.max(...points.map((point) => point.quality)),
    };
  };
  const methods: MethodEvaluation[] = [
    describe('learned router', 'learned', sweep(learnedPredictions, true)),
    describe('TF-IDF kNN', 'knn', sweep(knnPredictions, false)),
    describe('TF-IDF kNN + hull pruning', 'knn-pruned', sweep(knnPredictions, true)),
    describe('random mix', 'random', randomPoints),
    describe('oracle', 'oracle', oraclePoints),
    describe(`always-cheapest (${cheapest.model})`, 'cheapest', single(cheapestIndex)),
    describe(`always-premium (${premium.model})`, 'premium', single(premiumIndex)),
    ...models.flatMap((model, index) =>
      index === cheapestIndex || index === premiumIndex ? [] : [describe(model, 'single', single(index))],
    ),
  ];
  const sortedLatencies = [...latencies].sort((left, right) => left - right);
  return {
    prompts: complete.length,
    folds: foldList.length,
    seed,
    models,
    cheapest,
    premium,
    methods,
    learned: {
      trainSeconds,
      decisionMs: {
        p50: percentile(sortedLatencies, 0.5),
        p99: percentile(sortedLatencies, 0.99),
        mean: latencies.reduce((sum, value) => sum + value, 0) / Math.max(1, latencies.length),
      },
    },
    knn: { k: knnK },
  };
}
