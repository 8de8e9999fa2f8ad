/**
 * One observed outcome: a model answered a prompt, the answer was scored, and it cost this much.
 * This is the long format every reader produces (RouterBench CSV, the ledger joined with
 * `/v1/feedback`), and what `fitRouter` and `evaluateRouters` consume.
 */
export interface OutcomeRow {
  /** The prompt text as the model saw it. */
  prompt: string;
  /** The model (as the data names it) that answered. */
  model: string;
  /** Quality of the answer, 0 (failed) – 1 (correct). */
  score: number;
  /** What the answer cost, in USD. */
  costUsd: number;
}

/**
 * Outcomes as a prompt × model matrix. A missing observation is `NaN`. Several rows for the same
 * prompt and model (repeated feedback) are averaged.
 */
export interface OutcomeTable {
  /** Model names, sorted. */
  models: string[];
  /** Distinct prompts, in first-seen order. */
  prompts: string[];
  /** `scores[prompt][model]`, `NaN` when not observed. */
  scores: Float64Array[];
  /** `costs[prompt][model]` in USD, `NaN` when not observed. */
  costs: Float64Array[];
}

/** Groups outcome rows by prompt and model into an {@link OutcomeTable}. */
export function buildOutcomeTable(rows: readonly OutcomeRow[]): OutcomeTable {
  const models = [...new Set(rows.map((row) => row.model))].sort();
  const modelIndex = new Map(models.map((model, index) => [model, index]));
  const promptIndex = new Map<string, number>();
  const prompts: string[] = [];
  const scoreSums: Float64Array[] = [];
  const costSums: Float64Array[] = [];
  const counts: Uint32Array[] = [];
  for (const row of rows) {
    let index = promptIndex.get(row.prompt);
    if (index === undefined) {
      index = prompts.length;
      promptIndex.set(row.prompt, index);
      prompts.push(row.prompt);
      scoreSums.push(new Float64Array(models.length));
      costSums.push(new Float64Array(models.length));
      counts.push(new Uint32Array(models.length));
    }
    const model = modelIndex.get(row.model) as number;
    const scoreSum = scoreSums[index] as Float64Array;
    const costSum = costSums[index] as Float64Array;
    const count = counts[index] as Uint32Array;
    scoreSum[model] = (scoreSum[model] as number) + row.score;
    costSum[model] = (costSum[model] as number) + row.costUsd;
    count[model] = (count[model] as number) + 1;
  }
  const average = (sums: Float64Array[]) =>
    sums.map((sum, prompt) => {
      const count = counts[prompt] as Uint32Array;
      return sum.map((value, model) => ((count[model] as number) > 0 ? value / (count[model] as number) : Number.NaN));
    });
  return { models, prompts, scores: average(scoreSums), costs: average(costSums) };
}

/**
 * The rows of a table restricted to prompts where every listed model was observed: evaluation
 * compares routers on the same prompts, so a prompt missing one model's outcome is left out.
 */
export function completePromptIndices(table: OutcomeTable): number[] {
  const complete: number[] = [];
  for (let prompt = 0; prompt < table.prompts.length; prompt += 1) {
    const scores = table.scores[prompt] as Float64Array;
    const costs = table.costs[prompt] as Float64Array;
    if (scores.every((value) => Number.isFinite(value)) && costs.every((value) => Number.isFinite(value))) {
      complete.push(prompt);
    }
  }
  return complete;
}
