import { GatewayError } from '../../spec/gateway-error.js';
import { chooseCandidate, type QualityKnob } from './choose-candidate.js';
import { findEfficientCandidates } from './find-efficient-candidates.js';
import { sigmoid } from './fit-logistic-link.js';
import { collectTextFeatures, FeatureAccumulator } from './hash-text-features.js';
import type { RouterFile } from './router-file.js';

/** A model, tier or deployment the router may pick. */
export interface RouterCandidate {
  /** A data model id, or a tier/deployment name that `modelsMap` maps data models to. */
  id: string;
  /** Expected cost of this request on this candidate, USD; defaults to the data's mean cost. */
  costPerRequestEstimate?: number;
}

/** Input of {@link LearnedRouter.choose}: the prompt, the candidates left by earlier rules, and the knob. */
export type ChooseInput = { prompt: string; candidates: readonly RouterCandidate[] } & QualityKnob;

/** One candidate as the router saw it. */
export interface ScoredCandidate {
  id: string;
  /** Predicted probability that this candidate answers well. */
  predictedQuality: number;
  /** The cost the decision used, USD. */
  costPerRequestEstimate: number;
}

/** The router's decision and why. */
export interface RouterChoice extends ScoredCandidate {
  /** The knob the decision used. */
  knob: QualityKnob;
  /** For `targetQuality`: whether the chosen candidate's prediction reaches the target. */
  targetMet: boolean | undefined;
  /** One line for logs, the ledger and `x-tollgate-route`. */
  explanation: string;
  /** Every known candidate, cheapest first. */
  considered: ScoredCandidate[];
  /** Candidate ids the router has no outcome data for (left out of the decision). */
  unknown: string[];
}

function formatUsd(value: number): string {
  return `$${value.toPrecision(2)}`;
}

/**
 * The learned cost–quality router: predicts each model's probability of success on a prompt (a shared
 * TF-IDF difficulty score through a per-model logistic link, see `fitRouter`), then applies the
 * cost–quality knob. Built from a `router.json` ({@link RouterFile}); scoring is one sparse dot
 * product, well under a millisecond.
 */
export class LearnedRouter {
  /** The data models, in `router.json` order. */
  readonly models: readonly string[];
  private readonly file: RouterFile;
  private readonly modelIndex: Map<string, number>;
  /** Per hash bucket: its IDF and its difficulty weight, interleaved; IDF 0 = not in the vocabulary. */
  private readonly bucketTable: Float32Array;
  private readonly accumulator: FeatureAccumulator;

  constructor(file: RouterFile) {
    this.file = file;
    this.models = file.models.map((model) => model.id);
    this.modelIndex = new Map(this.models.map((model, index) => [model, index]));
    // Interleaved [idf, weight] per hash bucket (0 outside the vocabulary): one cache line per lookup.
    this.bucketTable = new Float32Array(2 * 2 ** file.features.hashBits);
    file.vocabulary.buckets.forEach((bucket, column) => {
      this.bucketTable[2 * bucket] = file.vocabulary.idf[column] as number;
      this.bucketTable[2 * bucket + 1] = file.difficulty.weights[column] as number;
    });
    this.accumulator = new FeatureAccumulator();
  }

  /** The stored form, for `router.json`. */
  toFile(): RouterFile {
    return this.file;
  }

  /** Mean cost per request of each data model in the training data, USD. */
  meanCosts(): Float64Array {
    return Float64Array.from(this.file.models, (model) => model.meanCostUsd);
  }

  /** Mean observed quality of each data model in the training data. */
  meanQualities(): Float64Array {
    return Float64Array.from(this.file.models, (model) => model.meanQuality);
  }

  /** The prompt's difficulty score: the predicted share of models that answer it well (higher is easier). */
  difficultyScore(prompt: string): number {
    const sublinear = this.file.vocabulary.sublinearTf;
    const accumulator = this.accumulator;
    accumulator.clear();
    collectTextFeatures(prompt, this.file.features, accumulator);
    let squaredNorm = 0;
    let dot = 0;
    // Same L2-normalised TF-IDF row as training (TfidfVectoriser), accumulated without building it.
    const table = this.bucketTable;
    for (let position = 0; position < accumulator.distinct; position += 1) {
      const bucket = accumulator.bucketAt(position);
      const idf = table[2 * bucket] as number;
      if (idf === 0) continue;
      const count = accumulator.countAt(position);
      const value = (sublinear ? 1 + Math.log(count) : count) * idf;
      squaredNorm += value * value;
      dot += value * (table[2 * bucket + 1] as number);
    }
    return this.file.difficulty.bias + dot / (Math.sqrt(squaredNorm) || 1);
  }

  /** Predicted quality per data model, aligned with {@link LearnedRouter.models}. */
  scoreVector(prompt: string): Float64Array {
    const score = this.difficultyScore(prompt);
    return Float64Array.from(this.file.models, (model) => sigmoid(model.link.intercept + model.link.slope * score));
  }

  /** Predicted quality (probability of success, 0–1) per data model. */
  score(prompt: string): Record<string, number> {
    const scores = this.scoreVector(prompt);
    return Object.fromEntries(this.models.map((model, index) => [model, scores[index] as number]));
  }

  /** Data model indices a candidate id stands for: itself, or every model mapped to that tier/deployment. */
  private resolve(id: string): number[] {
    const direct = this.modelIndex.get(id);
    if (direct !== undefined) return [direct];
    return this.models.flatMap((model, index) => (this.file.modelsMap[model] === id ? [index] : []));
  }

  /** Whether the router has outcome data for at least one of these candidate ids. */
  knowsAny(ids: readonly string[]): boolean {
    return ids.some((id) => this.resolve(id).length > 0);
  }

  /**
   * Picks among the candidates with the knob (see {@link QualityKnob}). A tier that several data models
   * map to gets their mean predicted quality, track record and cost. Only candidates on the cost–quality
   * hull of their track records are eligible (see `findEfficientCandidates`). Candidates without outcome
   * data are left out and listed in `unknown`; when none is known the call fails with `no_route`.
   */
  choose(input: ChooseInput): RouterChoice {
    const scores = this.scoreVector(input.prompt);
    const considered: (ScoredCandidate & { prior: number })[] = [];
    const unknown: string[] = [];
    for (const candidate of input.candidates) {
      const indices = this.resolve(candidate.id);
      if (indices.length === 0) {
        unknown.push(candidate.id);
        continue;
      }
      const mean = (values: (index: number) => number) =>
        indices.reduce((sum, index) => sum + values(index), 0) / indices.length;
      considered.push({
        id: candidate.id,
        predictedQuality: mean((index) => scores[index] as number),
        costPerRequestEstimate:
          candidate.costPerRequestEstimate ?? mean((index) => this.file.models[index]?.meanCostUsd ?? 0),
        prior: mean((index) => this.file.models[index]?.meanQuality ?? 0),
      });
    }
    if (considered.length === 0) {
      throw new GatewayError({
        code: 'no_route',
        message: `The learned router has no outcome data for any candidate (${unknown.join(', ') || 'none given'})`,
      });
    }
    considered.sort((left, right) => left.costPerRequestEstimate - right.costPerRequestEstimate);
    const knob: QualityKnob =
      input.targetQuality !== undefined ? { targetQuality: input.targetQuality } : { costWeight: input.costWeight };
    const costs = considered.map((candidate) => candidate.costPerRequestEstimate);
    const priors = considered.map((candidate) => candidate.prior);
    const eligible = findEfficientCandidates({ priors, costs });
    const index = chooseCandidate({
      qualities: considered.map((candidate) => candidate.predictedQuality),
      costs,
      priors,
      eligible,
      knob,
    });
    const { prior: _prior, ...chosen } = considered[index] as ScoredCandidate & { prior: number };
    const targetMet = knob.targetQuality === undefined ? undefined : chosen.predictedQuality >= knob.targetQuality;
    const reason =
      knob.targetQuality !== undefined
        ? targetMet
          ? `cheapest predicted ≥ ${knob.targetQuality}`
          : `none predicted ≥ ${knob.targetQuality}: strongest track record`
        : `best quality − ${knob.costWeight}·relative cost`;
    const skipped = considered.filter((_, position) => !eligible[position]).map((candidate) => candidate.id);
    const dominated = skipped.length > 0 ? `; dominated: ${skipped.join(', ')}` : '';
    return {
      ...chosen,
      knob,
      targetMet,
      explanation: `learned: ${chosen.id} (predicted ${chosen.predictedQuality.toFixed(2)}, ${formatUsd(chosen.costPerRequestEstimate)}): ${reason}${dominated}`,
      considered: considered.map(({ prior: _unused, ...candidate }) => candidate),
      unknown,
    };
  }
}
