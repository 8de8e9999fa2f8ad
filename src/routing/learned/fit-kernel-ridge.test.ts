import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitKernelRidge } from './fit-kernel-ridge.js';
import type { SparseVector } from './tfidf-vectoriser.js';
import { tridiagonalEigenvalues, tridiagonaliseSymmetric } from './tridiagonalise-symmetric.js';

function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

function randomSymmetric(n: number, random: () => number): Float64Array[] {
  const base = Array.from({ length: n }, () => Float64Array.from({ length: n }, () => random() - 0.5));
  return base.map((_, i) =>
    Float64Array.from({ length: n }, (_, j) => base[i]!.reduce((sum, value, k) => sum + value * base[j]![k]!, 0)),
  );
}

/** Gaussian elimination with partial pivoting: the reference the fast solver must match. */
function solveDense(matrix: Float64Array[], rhs: Float64Array): Float64Array {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]!]);
  for (let column = 0; column < n; column += 1) {
    let pivot = column;
    for (let row = column + 1; row < n; row += 1)
      if (Math.abs(a[row]![column]!) > Math.abs(a[pivot]![column]!)) pivot = row;
    [a[column], a[pivot]] = [a[pivot]!, a[column]!];
    for (let row = column + 1; row < n; row += 1) {
      const factor = a[row]![column]! / a[column]![column]!;
      for (let k = column; k <= n; k += 1) a[row]![k]! -= factor * a[column]![k]!;
    }
  }
  const x = new Float64Array(n);
  for (let row = n - 1; row >= 0; row -= 1) {
    let sum = a[row]![n]!;
    for (let k = row + 1; k < n; k += 1) sum -= a[row]![k]! * x[k]!;
    x[row] = sum / a[row]![row]!;
  }
  return x;
}

function randomRows(options: { n: number; columns: number; random: () => number }): SparseVector[] {
  return Array.from({ length: options.n }, () => {
    const indices = [...new Set(Array.from({ length: 6 }, () => Math.floor(options.random() * options.columns)))].sort(
      (a, b) => a - b,
    );
    const values = indices.map(() => options.random());
    const norm = Math.hypot(...values);
    return { indices: Int32Array.from(indices), values: Float64Array.from(values, (value) => value / norm) };
  });
}

function predict(model: { bias: number[]; weights: Float64Array[] }, row: SparseVector, output: number): number {
  let value = model.bias[output]!;
  row.indices.forEach((column, position) => {
    value += model.weights[output]![column]! * row.values[position]!;
  });
  return value;
}

describe('tridiagonaliseSymmetric', () => {
  it('reconstructs the matrix as Q T Qᵀ and finds its eigenvalues', () => {
    const matrix = randomSymmetric(12, createRandom(3));
    const { q, diagonal, offDiagonal } = tridiagonaliseSymmetric(matrix);
    for (let i = 0; i < 12; i += 1) {
      for (let j = 0; j < 12; j += 1) {
        let value = 0;
        for (let a = 0; a < 12; a += 1) {
          for (let b = 0; b < 12; b += 1) {
            const t = a === b ? diagonal[a]! : Math.abs(a - b) === 1 ? offDiagonal[Math.min(a, b)]! : 0;
            value += q[a]![i]! * t * q[b]![j]!;
          }
        }
        assert.ok(Math.abs(value - matrix[i]![j]!) < 1e-9);
      }
    }
    const trace = matrix.reduce((sum, row, i) => sum + row[i]!, 0);
    const eigenvalues = tridiagonalEigenvalues(
      { diagonal, offDiagonal },
      q.map(() => new Float64Array(0)),
    );
    assert.ok(Math.abs(eigenvalues.reduce((sum, value) => sum + value, 0) - trace) < 1e-9);
    assert.ok(
      eigenvalues.every((value) => value > -1e-9),
      'a Gram matrix has no negative eigenvalue',
    );
  });
});

describe('fitKernelRidge', () => {
  it('matches the dense dual solution (K_c + αI) a = y − ȳ', () => {
    const random = createRandom(11);
    const rows = randomRows({ n: 25, columns: 40, random });
    const targets = rows.map(() => Float64Array.of(random() < 0.5 ? 1 : 0, random()));
    const alpha = 0.7;
    const model = fitKernelRidge({ rows, columns: 40, targets, alphas: [alpha] });
    const dense = rows.map((row) => {
      const vector = new Float64Array(40);
      row.indices.forEach((column, position) => {
        vector[column] = row.values[position]!;
      });
      return vector;
    });
    const mean = new Float64Array(40).map((_, column) => dense.reduce((sum, vector) => sum + vector[column]!, 0) / 25);
    const centred = dense.map((vector) => vector.map((value, column) => value - mean[column]!));
    const gram = centred.map((a) =>
      Float64Array.from(centred, (b) => a.reduce((sum, value, k) => sum + value * b[k]!, 0)),
    );
    for (let output = 0; output < 2; output += 1) {
      const yMean = targets.reduce((sum, target) => sum + target[output]!, 0) / 25;
      const shifted = gram.map((row, i) => row.map((value, j) => value + (i === j ? alpha : 0)));
      const dual = solveDense(
        shifted,
        Float64Array.from(targets, (target) => target[output]! - yMean),
      );
      rows.forEach((row, i) => {
        const expected = yMean + gram[i]!.reduce((sum, value, j) => sum + value * dual[j]!, 0);
        assert.ok(Math.abs(predict(model, row, output) - expected) < 1e-8, `row ${i} output ${output}`);
      });
    }
  });

  it('chooses heavy shrinkage for noise and light shrinkage for a learnable signal', () => {
    const random = createRandom(5);
    const rows = randomRows({ n: 120, columns: 30, random });
    // Output 0 is 1 exactly when the row has one of the first five features; output 1 is a coin flip.
    const targets = rows.map((row) =>
      Float64Array.of(row.indices.some((column) => column < 5) ? 1 : 0, random() < 0.5 ? 1 : 0),
    );
    const model = fitKernelRidge({ rows, columns: 30, targets, alphas: [0.01, 0.1, 1, 10, 100] });
    assert.ok(model.alpha[0]! <= 1, `signal alpha ${model.alpha[0]}`);
    assert.equal(model.alpha[1], 100);
    assert.ok(model.validationError[0]! < model.validationError[1]!);
  });

  it('imputes a missing target instead of failing', () => {
    const random = createRandom(9);
    const rows = randomRows({ n: 20, columns: 20, random });
    const targets = rows.map((_, i) => Float64Array.of(i === 3 ? Number.NaN : i % 2));
    const model = fitKernelRidge({ rows, columns: 20, targets, alphas: [1] });
    assert.ok(Number.isFinite(model.bias[0]!));
    assert.ok(model.weights[0]!.every(Number.isFinite));
  });
});
