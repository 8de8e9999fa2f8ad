import type { BoostedTree } from '../../src/cache/semantic/pair-classifier.js';

/** Hyperparameters of {@link fitBoostedTrees}. */
export interface BoostingOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** L2 penalty on leaf values (XGBoost's λ). */
  lambda: number;
  /** Fewest training rows on either side of a split. */
  minLeaf: number;
  /** Candidate split points per feature (quantiles of its training values). */
  bins: number;
}

/** The fitted trees, in the shape of `verifier-model.json`. */
export interface BoostedModel {
  base: number;
  learningRate: number;
  depth: number;
  trees: BoostedTree[];
}

// Distinct quantiles of a feature's values: splits are "value >= edge".
function quantileEdges(values: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const edges: number[] = [];
  for (let bin = 1; bin < bins; bin++) {
    const value = sorted[Math.floor((bin * sorted.length) / bins)] as number;
    if (edges.length === 0 || value > (edges.at(-1) as number)) edges.push(value);
  }
  // A split at the smallest value would send every row right.
  return edges.filter((edge) => edge > (sorted[0] as number));
}

function binOf(value: number, edges: readonly number[]): number {
  let low = 0;
  let high = edges.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((edges[middle] as number) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Gradient-boosted regression trees for a binary label (logistic loss, second-order leaf values,
 * histogram splits), complete trees of fixed depth. Deterministic: no sampling, so the same data
 * gives the same model. Small on purpose: a few thousand rows and a few dozen features.
 */
export function fitBoostedTrees(
  rows: readonly (readonly number[])[],
  labels: readonly boolean[],
  options: BoostingOptions,
): BoostedModel {
  const count = rows.length;
  const featureCount = rows[0]?.length ?? 0;
  const edges: number[][] = [];
  const binned: Uint8Array[] = [];
  for (let feature = 0; feature < featureCount; feature++) {
    const values = Float64Array.from(rows, (row) => row[feature] as number);
    const featureEdges = quantileEdges(values, Math.min(options.bins, 255));
    edges.push(featureEdges);
    binned.push(Uint8Array.from(values, (value) => binOf(value, featureEdges)));
  }
  const positives = labels.filter(Boolean).length;
  const base = Math.log((positives + 1) / (count - positives + 1));
  const margin = new Float64Array(count).fill(base);
  const gradient = new Float64Array(count);
  const hessian = new Float64Array(count);
  const trees: BoostedTree[] = [];
  const nodes = 2 ** options.depth - 1;
  for (let treeIndex = 0; treeIndex < options.trees; treeIndex++) {
    for (let row = 0; row < count; row++) {
      const probability = 1 / (1 + Math.exp(-(margin[row] as number)));
      gradient[row] = probability - (labels[row] ? 1 : 0);
      hessian[row] = Math.max(probability * (1 - probability), 1e-12);
    }
    const tree: BoostedTree = { feature: new Array(nodes).fill(-1), threshold: new Array(nodes).fill(0), leaves: [] };
    let members: number[][] = [Array.from({ length: count }, (_, row) => row)];
    for (let level = 0; level < options.depth; level++) {
      const next: number[][] = [];
      for (const [position, rowsOfNode] of members.entries()) {
        const split = bestSplit({ rowsOfNode, binned, edges, gradient, hessian, options });
        const left: number[] = [];
        const right: number[] = [];
        if (split !== undefined) {
          tree.feature[2 ** level - 1 + position] = split.feature;
          tree.threshold[2 ** level - 1 + position] = split.threshold;
          const column = binned[split.feature] as Uint8Array;
          for (const row of rowsOfNode) ((column[row] as number) > split.bin ? right : left).push(row);
        } else left.push(...rowsOfNode);
        next.push(left, right);
      }
      members = next;
    }
    for (const rowsOfLeaf of members) {
      let sumGradient = 0;
      let sumHessian = 0;
      for (const row of rowsOfLeaf) {
        sumGradient += gradient[row] as number;
        sumHessian += hessian[row] as number;
      }
      const value = rowsOfLeaf.length === 0 ? 0 : -sumGradient / (sumHessian + options.lambda);
      tree.leaves.push(value);
      for (const row of rowsOfLeaf) margin[row] = (margin[row] as number) + options.learningRate * value;
    }
    trees.push(tree);
  }
  return { base, learningRate: options.learningRate, depth: options.depth, trees };
}

function bestSplit(input: {
  rowsOfNode: readonly number[];
  binned: readonly Uint8Array[];
  edges: readonly (readonly number[])[];
  gradient: Float64Array;
  hessian: Float64Array;
  options: BoostingOptions;
}): { feature: number; bin: number; threshold: number } | undefined {
  const { rowsOfNode, gradient, hessian, options } = input;
  if (rowsOfNode.length < 2 * options.minLeaf) return undefined;
  let totalGradient = 0;
  let totalHessian = 0;
  for (const row of rowsOfNode) {
    totalGradient += gradient[row] as number;
    totalHessian += hessian[row] as number;
  }
  const parentScore = (totalGradient * totalGradient) / (totalHessian + options.lambda);
  let best: { feature: number; bin: number; threshold: number; gain: number } | undefined;
  for (const [feature, column] of input.binned.entries()) {
    const featureEdges = input.edges[feature] as readonly number[];
    const binCount = featureEdges.length + 1;
    if (binCount < 2) continue;
    const sumGradient = new Float64Array(binCount);
    const sumHessian = new Float64Array(binCount);
    const rowCount = new Uint32Array(binCount);
    for (const row of rowsOfNode) {
      const bin = column[row] as number;
      sumGradient[bin] = (sumGradient[bin] as number) + (gradient[row] as number);
      sumHessian[bin] = (sumHessian[bin] as number) + (hessian[row] as number);
      rowCount[bin] = (rowCount[bin] as number) + 1;
    }
    let leftGradient = 0;
    let leftHessian = 0;
    let leftCount = 0;
    for (let bin = 0; bin < binCount - 1; bin++) {
      leftGradient += sumGradient[bin] as number;
      leftHessian += sumHessian[bin] as number;
      leftCount += rowCount[bin] as number;
      if (leftCount < options.minLeaf || rowsOfNode.length - leftCount < options.minLeaf) continue;
      const rightGradient = totalGradient - leftGradient;
      const rightHessian = totalHessian - leftHessian;
      const gain =
        (leftGradient * leftGradient) / (leftHessian + options.lambda) +
        (rightGradient * rightGradient) / (rightHessian + options.lambda) -
        parentScore;
      if (gain > 1e-9 && (best === undefined || gain > best.gain)) {
        best = { feature, bin, threshold: featureEdges[bin] as number, gain };
      }
    }
  }
  return best;
}
