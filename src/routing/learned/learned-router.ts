import { GatewayError } from '../../spec/gateway-error.js';
import { chooseCandidate, type QualityKnob } from './choose-candidate.js';
import { hashTextFeatures } from './hash-text-features.js';
import type { RouterFile } from './router-file.js';
import { TfidfVectoriser } from './tfidf-vectoriser.js';

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
 * The learned cost–quality router: predicts each model's probability of success on a prompt from
 * TF-IDF features of the prompt (one ridge model per data model, see `fitRouter`), then applies the
 * cost–quality knob. Built from a `router.json` ({@link RouterFile}); scoring is a few sparse dot
 * products, well under a millisecond.
 */
export class LearnedRouter {
  /** The data models, in `router.json` order. */
  readonly models: readonly string[];
  private readonly file: RouterFile;
  private readonly vectoriser: TfidfVectoriser;
  private readonly modelIndex: Map<string, number>;
  private readonly weights: Float64Array[];

  constructor(file: RouterFile) {
    this.file = file;
    this.models = file.models.map((model) => model.id);
    this.vectoriser = new TfidfVectoriser(file.vocabulary);
    this.modelIndex = new Map(this.models.map((model, index) => [model, index]));
    this.weights = file.models.map((model) => Float64Array.from(model.weights));
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

  /** Predicted quality per data model, aligned with {@link LearnedRouter.models}. */
  scoreVector(prompt: string): Float64Array {
    const row = this.vectoriser.vectorise(hashTextFeatures(prompt, this.file.features));
    return Float64Array.from(this.file.models, (model, index) => {
      const weights = this.weights[index] as Float64Array;
      let value = model.bias;
      for (let position = 0; position < row.indices.length; position += 1) {
        value += (weights[row.indices[position] as number] as number) * (row.values[position] as number);
      }
      return Math.min(1, Math.max(0, value));
    });
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

  /**
   * Picks among the candidates with the knob (see {@link QualityKnob}). A tier that several data models
   * map to gets their mean predicted quality and mean cost. Candidates without outcome data are left
   * out and listed in `unknown`; when none is known the call fails with `no_route`.
   */
  choose(input: ChooseInput): RouterChoice {
    const scores = this.scoreVector(input.prompt);
    const considered: ScoredCandidate[] = [];
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
    const index = chooseCandidate({
      qualities: considered.map((candidate) => candidate.predictedQuality),
      costs: considered.map((candidate) => candidate.costPerRequestEstimate),
      knob,
    });
    const chosen = considered[index] as ScoredCandidate;
    const targetMet = knob.targetQuality === undefined ? undefined : chosen.predictedQuality >= knob.targetQuality;
    const best = considered.reduce((top, candidate) =>
      candidate.predictedQuality > top.predictedQuality ? candidate : top,
    );
    const reason =
      knob.targetQuality !== undefined
        ? targetMet
          ? `cheapest with predicted quality ≥ ${knob.targetQuality}`
          : `no candidate reaches ${knob.targetQuality}: highest predicted quality`
        : `best quality − ${knob.costWeight}·relative cost`;
    const versus =
      best.id === chosen.id
        ? ''
        : `; best ${best.id} ${best.predictedQuality.toFixed(2)} at ${formatUsd(best.costPerRequestEstimate)}`;
    return {
      ...chosen,
      knob,
      targetMet,
      explanation: `learned: ${chosen.id} (predicted ${chosen.predictedQuality.toFixed(2)}, ${formatUsd(chosen.costPerRequestEstimate)}): ${reason}${versus}`,
      considered,
      unknown,
    };
  }
}
