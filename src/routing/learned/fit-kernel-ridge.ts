import type { SparseVector } from './tfidf-vectoriser.js';
import { tridiagonalEigenvalues, tridiagonaliseSymmetric } from './tridiagonalise-symmetric.js';

/** A linear model per output over sparse features: `prediction = bias + x · weights`. */
export interface RidgeModel {
  /** Per output: intercept. */
  bias: number[];
  /** Per output: one weight per feature column. */
  weights: Float64Array[];
  /** Per output: the ridge penalty chosen by generalised cross-validation. */
  alpha: number[];
  /** Per output: generalised cross-validation error (an estimate of out-of-sample squared error). */
  validationError: number[];
  /**
   * Per output, per training row: an estimate of the prediction the row would get if it had been left
   * out (`y − (y − ŷ) / (1 − h̄)` with the mean leverage h̄, the same approximation as GCV).
   */
  leaveOneOut: Float64Array[];
}

/** Input of {@link fitKernelRidge}. */
export interface FitKernelRidgeInput {
  /** Training rows (L2-normalised TF-IDF). */
  rows: readonly SparseVector[];
  /** Number of feature columns. */
  columns: number;
  /** `targets[row][output]`; `NaN` where unobserved (imputed with the output's mean, left out of the error). */
  targets: readonly Float64Array[];
  /** Penalties to choose from, per output, by generalised cross-validation. */
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

/** Solves `(T + αI) x = b` for symmetric tridiagonal T (Thomas algorithm; T + αI is positive definite). */
function solveShiftedTridiagonal(options: {
  diagonal: Float64Array;
  offDiagonal: Float64Array;
  alpha: number;
  rhs: Float64Array;
}): Float64Array {
  const { diagonal, offDiagonal, alpha, rhs } = options;
  const n = diagonal.length;
  const upper = new Float64Array(n);
  const solution = new Float64Array(n);
  let previousUpper = 0;
  let previousSolution = 0;
  for (let index = 0; index < n; index += 1) {
    const below = index > 0 ? (offDiagonal[index - 1] as number) : 0;
    const pivot = (diagonal[index] as number) + alpha - below * previousUpper;
    previousUpper = index < n - 1 ? (offDiagonal[index] as number) / pivot : 0;
    previousSolution = ((rhs[index] as number) - below * previousSolution) / pivot;
    upper[index] = previousUpper;
    solution[index] = previousSolution;
  }
  for (let index = n - 2; index >= 0; index -= 1) {
    solution[index] = (solution[index] as number) - (upper[index] as number) * (solution[index + 1] as number);
  }
  return solution;
}

/**
 * Ridge regression of several outputs on shared sparse features, solved in the dual. One Householder
 * tridiagonalisation of the centred Gram matrix (`K = Q T Qᵀ`) serves every penalty: the eigenvalues of
 * T and the targets' projections on the eigenvectors give each penalty's generalised cross-validation
 * score (Golub, Heath & Wahba 1979, a rotation-invariant leave-one-out) in O(n), so each output picks its
 * own penalty from the training rows alone, and the chosen fit is one tridiagonal solve. The dual
 * solution is folded back into primal weights, so prediction costs one sparse dot product per output.
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
  const tridiagonal = tridiagonaliseSymmetric(gram);
  // rotated[j] = (Qᵀ Y)[j]: the targets in the tridiagonal basis.
  const rotated = tridiagonal.q.map((column) => {
    const projection = new Float64Array(outputs);
    for (let row = 0; row < n; row += 1) {
      const weight = column[row] as number;
      if (weight === 0) continue;
      const target = centred[row] as Float64Array;
      for (let output = 0; output < outputs; output += 1) {
        projection[output] = (projection[output] as number) + weight * (target[output] as number);
      }
    }
    return projection;
  });
  const projections = rotated.map((projection) => Float64Array.from(projection));
  const eigenvalues = tridiagonalEigenvalues(tridiagonal, projections).map((value) => Math.max(0, value));
  const best = Array.from({ length: outputs }, () => ({ alpha: alphas[0] ?? 1, error: Number.POSITIVE_INFINITY }));
  for (const alpha of alphas) {
    let freedom = 0;
    for (const value of eigenvalues) freedom += value / (value + alpha);
    const denominator = (1 - freedom / n) ** 2;
    for (let output = 0; output < outputs; output += 1) {
      let residual = 0;
      eigenvalues.forEach((value, k) => {
        const shrunk = (alpha / (value + alpha)) * ((projections[k] as Float64Array)[output] as number);
        residual += shrunk * shrunk;
      });
      const error = residual / n / Math.max(1e-12, denominator);
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
  const leaveOneOut: Float64Array[] = [];
  for (let output = 0; output < outputs; output += 1) {
    const alpha = (best[output] as { alpha: number }).alpha;
    // Dual coefficients a = (K + αI)⁻¹ y = Q (T + αI)⁻¹ Qᵀ y; primal weights w = Xᵀ a.
    const inner = solveShiftedTridiagonal({
      diagonal: tridiagonal.diagonal,
      offDiagonal: tridiagonal.offDiagonal,
      alpha,
      rhs: Float64Array.from(rotated, (projection) => projection[output] as number),
    });
    const dual = new Float64Array(n);
    tridiagonal.q.forEach((column, j) => {
      const factor = inner[j] as number;
      if (factor === 0) return;
      for (let row = 0; row < n; row += 1) dual[row] = (dual[row] as number) + (column[row] as number) * factor;
    });
    let freedom = 0;
    for (const value of eigenvalues) freedom += value / (value + alpha);
    const meanLeverage = Math.min(0.99, freedom / n);
    leaveOneOut.push(
      Float64Array.from(gram, (gramRow, rowIndex) => {
        let fitted = 0;
        for (let other = 0; other < n; other += 1) fitted += (gramRow[other] as number) * (dual[other] as number);
        const observed = (centred[rowIndex] as Float64Array)[output] as number;
        return (means[output] as number) + observed - (observed - fitted) / (1 - meanLeverage);
      }),
    );
    const weight = weights[output] as Float64Array;
    rows.forEach((row, rowIndex) => {
      const coefficient = dual[rowIndex] as number;
      for (let position = 0; position < row.indices.length; position += 1) {
        const column = row.indices[position] as number;
        weight[column] = (weight[column] as number) + coefficient * (row.values[position] as number);
      }
    });
    // Centring folds into the bias: prediction = ȳ + (x − x̄) · w.
    let offset = 0;
    for (let column = 0; column < columns; column += 1)
      offset += (columnMeans[column] as number) * (weight[column] as number);
    bias.push((means[output] as number) - offset);
  }
  return {
    bias,
    weights,
    alpha: best.map((entry) => entry.alpha),
    validationError: best.map((entry) => entry.error),
    leaveOneOut,
  };
}
