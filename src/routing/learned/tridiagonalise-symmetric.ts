/** A symmetric matrix in tridiagonal form: `A = Q T Qᵀ`. */
export interface Tridiagonal {
  /** `q[j]` is column j of the orthogonal Q. */
  q: Float64Array[];
  /** Diagonal of T. */
  diagonal: Float64Array;
  /** `offDiagonal[i]` = `T[i][i + 1]` (length n − 1). */
  offDiagonal: Float64Array;
}

/**
 * Householder reduction of a symmetric matrix to tridiagonal form, after JAMA's `tred2` (public
 * domain, https://math.nist.gov/javanumerics/jama/). The matrix is given as rows and is not modified.
 * O(n³), and the only cubic step of kernel ridge fitting: everything after it is O(n²).
 */
export function tridiagonaliseSymmetric(matrix: readonly Float64Array[]): Tridiagonal {
  const n = matrix.length;
  // JAMA works on V; this runs on its transpose so that inner loops walk contiguous rows (a symmetric
  // input is its own transpose), which leaves the columns of Q as rows.
  const V = matrix.map((source) => Float64Array.from(source));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n > 0) reduceToTridiagonal(V, d, e);
  return { q: V, diagonal: d, offDiagonal: e.slice(1) };
}

/**
 * Eigenvalues of a symmetric tridiagonal matrix by the implicit QL algorithm (JAMA's `tql2`), applying
 * the same rotations to `tracked`: if `tracked[i]` holds row i of `Qᵀ Y`, it ends holding row k of
 * `Uᵀ Y` for eigenvalue k, where U are the eigenvectors of `Q T Qᵀ`. That gives every projection ridge
 * regression needs in O(n² · columns of Y) instead of forming the eigenvectors (O(n³)).
 * Eigenvalues come back in the order of `tracked`, not sorted.
 */
export function tridiagonalEigenvalues(
  tridiagonal: Pick<Tridiagonal, 'diagonal' | 'offDiagonal'>,
  tracked: Float64Array[],
): Float64Array {
  const n = tridiagonal.diagonal.length;
  const d = Float64Array.from(tridiagonal.diagonal);
  const e = new Float64Array(n);
  e.set(tridiagonal.offDiagonal, 1);
  if (n > 0) diagonaliseTridiagonal(tracked, d, e);
  return d;
}

function row(V: Float64Array[], index: number): Float64Array {
  return V[index] as Float64Array;
}

function reduceToTridiagonal(V: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = V.length;
  for (let j = 0; j < n; j += 1) d[j] = row(V, j)[n - 1] as number;
  for (let i = n - 1; i > 0; i -= 1) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k += 1) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j += 1) {
        d[j] = row(V, j)[i - 1] as number;
        row(V, j)[i] = 0;
        row(V, i)[j] = 0;
      }
    } else {
      for (let k = 0; k < i; k += 1) {
        d[k] = (d[k] as number) / scale;
        h += (d[k] as number) * (d[k] as number);
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j += 1) e[j] = 0;
      const Vi = row(V, i);
      for (let j = 0; j < i; j += 1) {
        f = d[j] as number;
        Vi[j] = f;
        const Vj = row(V, j);
        g = (e[j] as number) + (Vj[j] as number) * f;
        for (let k = j + 1; k <= i - 1; k += 1) {
          const vkj = Vj[k] as number;
          g += vkj * (d[k] as number);
          e[k] = (e[k] as number) + vkj * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j += 1) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j += 1) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j += 1) {
        f = d[j] as number;
        g = e[j] as number;
        const Vj = row(V, j);
        for (let k = j; k <= i - 1; k += 1) {
          Vj[k] = (Vj[k] as number) - (f * (e[k] as number) + g * (d[k] as number));
        }
        d[j] = row(V, j)[i - 1] as number;
        row(V, j)[i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i += 1) {
    row(V, i)[n - 1] = row(V, i)[i] as number;
    row(V, i)[i] = 1;
    const h = d[i + 1] as number;
    if (h !== 0) {
      const Vnext = row(V, i + 1);
      for (let k = 0; k <= i; k += 1) d[k] = (Vnext[k] as number) / h;
      for (let j = 0; j <= i; j += 1) {
        const Vj = row(V, j);
        let g = 0;
        for (let k = 0; k <= i; k += 1) g += (Vnext[k] as number) * (Vj[k] as number);
        for (let k = 0; k <= i; k += 1) Vj[k] = (Vj[k] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k += 1) row(V, i + 1)[k] = 0;
  }
  for (let j = 0; j < n; j += 1) {
    d[j] = row(V, j)[n - 1] as number;
    row(V, j)[n - 1] = 0;
  }
  row(V, n - 1)[n - 1] = 1;
  e[0] = 0;
}

function diagonaliseTridiagonal(columns: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let i = 1; i < n; i += 1) e[i - 1] = e[i] as number;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l += 1) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m] as number) <= eps * tst1) break;
      m += 1;
    }
    if (m > l) {
      do {
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i += 1) d[i] = (d[i] as number) - h;
        f += h;
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i -= 1) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          const left = columns[i] as Float64Array;
          const right = columns[i + 1] as Float64Array;
          for (let k = 0; k < left.length; k += 1) {
            const hk = right[k] as number;
            const lk = left[k] as number;
            right[k] = s * lk + c * hk;
            left[k] = c * lk - s * hk;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}
