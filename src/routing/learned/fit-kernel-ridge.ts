import { decomposeSymmetric } from './decompose-symmetric.js';
import type { SparseVector } from './tfidf-vectoriser.js';

/** A linear model per output over sparse features: `prediction = bias + x · weights`. */
export interface RidgeModel {
  /** Per output: intercept. */
  bias: number[];
  /** Per output: one weight per feature column. */
  weights: Float64Array[];
  /** Per output: the ridge penalty chosen by leave-one-out. */
  alpha: number[];
  /** Per output: mean squared leave-one-out error at the chosen penalty. */
  leaveOneOutError: number[];
}

/** Input of {@link fitKernelRidge}. */
export interface FitKernelRidgeInput {
  /** Training rows (L2-normalised TF-IDF). */
  rows: readonly SparseVector[];
  /** Number of feature columns. */
  columns: number;
  /** `targets[row][output]`; `NaN` where unobserved (imputed with the output's mean, left out of the error). */
  targets: readonly Float64Array[];
  /** Penalties to choose from, per output, by exact leave-one-out error. */
  alphas: readonly number[];
}

/** `K = X Xᵀ`, through an inverted index so that rare features (most of them) cost almost nothing. */
function computeGram(rows: readonly SparseVector[], columns: number): Float64Array[] {
  const n = rows.length;
  const postingCounts = new Int32Array(columns);
  for (const row of rows)
    for (const column of row.indices) postingCounts[column] = (postingCounts[column] as number) + 1;
  const starts = new Int32Array(columns + 1);
  for (let column = 0; column < columns; column += 1) {
    starts[column + 1] = (starts[column] as number) + (postingCounts[column] as number);
  }
  const fill = starts.slice(0, columns);
  const postingRows = new Int32Array(starts[columns] as number);
  const postingValues = new Float64Array(starts[columns] as number);
  rows.forEach((row, rowIndex) => {
    for (let position = 0; position < row.indices.length; position += 1) {
      const column = row.indices[position] as number;
      const slot = fill[column] as number;
      postingRows[slot] = rowIndex;
      postingValues[slot] = row.values[position] as number;
      fill[column] = slot + 1;
    }
  });
  const gram = Array.from({ length: n }, () => new Float64Array(n));
  for (let column = 0; column < columns; column += 1) {
    const end = starts[column + 1] as number;
    for (let a = starts[column] as number; a < end; a += 1) {
      const rowA = gram[postingRows[a] as number] as Float64Array;
      const valueA = postingValues[a] as number;
      for (let b = a; b < end; b += 1) {
        const rowB = postingRows[b] as number;
        rowA[rowB] = (rowA[rowB] as number) + valueA * (postingValues[b] as number);
      }
    }
  }
  // Posting lists are in row order, so only the upper triangle was filled.
  for (let a = 0; a < n; a += 1) {
    for (let b = a + 1; b < n; b += 1) (gram[b] as Float64Array)[a] = (gram[a] as Float64Array)[b] as number;
  }
  return gram;
}

/** Double-centres a Gram matrix in place: the kernel of mean-centred features (an unpenalised intercept). */
function centreGram(gram: Float64Array[]): void {
  const n = gram.length;
  const rowMeans = gram.map((row) => row.reduce((sum, value) => sum + value, 0) / n);
  const grandMean = rowMeans.reduce((sum, value) => sum + value, 0) / n;
  for (let a = 0; a < n; a += 1) {
    const row = gram[a] as Float64Array;
    for (let b = 0; b < n; b += 1) {
      row[b] = (row[b] as number) - (rowMeans[a] as number) - (rowMeans[b] as number) + grandMean;
    }
  }
}

/**
 * Ridge regression of several outputs on shared sparse features, solved in the dual through one
 * eigen-decomposition of the centred Gram matrix. That makes every penalty's exact leave-one-out error
 * cheap (`(y − ŷ) / (1 − Hᵢᵢ)`), so each output picks its own penalty without refitting, from the
 * training rows alone. The dual solution is folded back into primal weights, so prediction costs one
 * sparse dot product per output.
 */
export function fitKernelRidge(input: FitKernelRidgeInput): RidgeModel {
  const { rows, columns, targets, alphas } = input;
  const n = rows.length;
  const outputs = targets[0]?.length ?? 0;
  const means = Array.from({ length: outputs }, (_, output) => {
    let sum = 0;
    let count = 0;
    for (const target of targets) {
      const value = target[output] as number;
      if (Number.isFinite(value)) {
        sum += value;
        count += 1;
      }
    }
    return count > 0 ? sum / count : 0;
  });
  const centred = targets.map((target) =>
    Float64Array.from(target, (value, output) => (Number.isFinite(value) ? value - (means[output] as number) : 0)),
  );
  const gram = computeGram(rows, columns);
  centreGram(gram);
  const { values, vectors } = decomposeSymmetric(gram);
  // projections[k][output] = vectors[k] · centred[:, output]
  const projections = vectors.map((vector) => {
    const projection = new Float64Array(outputs);
    for (let row = 0; row < n; row += 1) {
      const weight = vector[row] as number;
      if (weight === 0) continue;
      const target = centred[row] as Float64Array;
      for (let output = 0; output < outputs; output += 1) {
        projection[output] = (projection[output] as number) + weight * (target[output] as number);
      }
    }
    return projection;
  });
  const eigenvalues = Float64Array.from(values, (value) => Math.max(0, value));
  const best = Array.from({ length: outputs }, () => ({ alpha: alphas[0] ?? 1, error: Number.POSITIVE_INFINITY }));
  for (const alpha of alphas) {
    const shrink = Float64Array.from(eigenvalues, (value) => value / (value + alpha));
    const fitted = Array.from({ length: n }, () => new Float64Array(outputs));
    const leverage = new Float64Array(n);
    vectors.forEach((vector, k) => {
      const factor = shrink[k] as number;
      if (factor < 1e-12) return;
      const projection = projections[k] as Float64Array;
      for (let row = 0; row < n; row += 1) {
        const weight = vector[row] as number;
        leverage[row] = (leverage[row] as number) + weight * weight * factor;
        const fittedRow = fitted[row] as Float64Array;
        const scaled = weight * factor;
        for (let output = 0; output < outputs; output += 1) {
          fittedRow[output] = (fittedRow[output] as number) + scaled * (projection[output] as number);
        }
      }
    });
    for (let output = 0; output < outputs; output += 1) {
      let error = 0;
      let count = 0;
      for (let row = 0; row < n; row += 1) {
        if (!Number.isFinite((targets[row] as Float64Array)[output] as number)) continue;
        const residual =
          (((centred[row] as Float64Array)[output] as number) - ((fitted[row] as Float64Array)[output] as number)) /
          Math.max(1e-9, 1 - (leverage[row] as number));
        error += residual * residual;
        count += 1;
      }
      error /= Math.max(1, count);
      const current = best[output] as { alpha: number; error: number };
      if (error < current.error) best[output] = { alpha, error };
    }
  }
  const weights = Array.from({ length: outputs }, () => new Float64Array(columns));
  const columnMeans = new Float64Array(columns);
  for (const row of rows) {
    for (let position = 0; position < row.indices.length; position += 1) {
      const column = row.indices[position] as number;
      columnMeans[column] = (columnMeans[column] as number) + (row.values[position] as number) / n;
    }
  }
  const bias: number[] = [];
  for (let output = 0; output < outputs; output += 1) {
    const alpha = (best[output] as { alpha: number }).alpha;
    // Dual coefficients a = U diag(1 / (λ + α)) Uᵀ y; primal weights w = Xᵀ a (centring folds into the bias).
    const dual = new Float64Array(n);
    vectors.forEach((vector, k) => {
      const factor = ((projections[k] as Float64Array)[output] as number) / ((eigenvalues[k] as number) + alpha);
      if (factor === 0) return;
      for (let row = 0; row < n; row += 1) dual[row] = (dual[row] as number) + (vector[row] as number) * factor;
    });
    const weight = weights[output] as Float64Array;
    rows.forEach((row, rowIndex) => {
      const coefficient = dual[rowIndex] as number;
      for (let position = 0; position < row.indices.length; position += 1) {
        const column = row.indices[position] as number;
        weight[column] = (weight[column] as number) + coefficient * (row.values[position] as number);
      }
    });
    let offset = 0;
    for (let column = 0; column < columns; column += 1)
      offset += (columnMeans[column] as number) * (weight[column] as number);
    bias.push((means[output] as number) - offset);
  }
  return {
    bias,
    weights,
    alpha: best.map((entry) => entry.alpha),
    leaveOneOutError: best.map((entry) => entry.error),
  };
}
