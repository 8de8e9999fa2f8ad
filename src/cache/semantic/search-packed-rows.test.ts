import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandomForTest, randomUnitVector } from './__fixtures__/random-vectors.js';
import { NATIVE_SCAN_FROM_ROWS, type RowMatch, searchPackedRows } from './search-packed-rows.js';

// Every row scored (float64 sum in dimension order, as the index reports it) and sorted: an oracle
// written apart from the code under test, which keeps a small insertion buffer instead.
function referenceScan(packed: Float32Array, rows: number, dimensions: number, query: Float32Array, count: number) {
  const all: RowMatch[] = [];
  for (let row = 0; row < rows; row++) {
    let dot = 0;
    for (let index = 0; index < dimensions; index++)
      dot += (packed[row * dimensions + index] as number) * (query[index] as number);
    all.push({ row, similarity: dot });
  }
  return all.sort((left, right) => right.similarity - left.similarity || left.row - right.row).slice(0, count);
}

function pack(vectors: Float32Array[], dimensions: number): Float32Array {
  // Spare capacity at the end, as the index keeps it.
  const packed = new Float32Array((vectors.length + 7) * dimensions);
  for (const [row, vector] of vectors.entries()) packed.set(vector, row * dimensions);
  return packed;
}

function nearby(base: Float32Array, noise: number, random: () => number): Float32Array {
  const vector = base.map((value) => value + noise * (random() - 0.5));
  let length = 0;
  for (const value of vector) length += value * value;
  return vector.map((value) => value / Math.sqrt(length));
}

describe('searchPackedRows', () => {
  const dimensions = 512;

  it('gives the plain scan’s rows and similarities on spread-out vectors, native path included', () => {
    const random = createSeededRandomForTest(11);
    for (const rows of [10, NATIVE_SCAN_FROM_ROWS, 230]) {
      const vectors = Array.from({ length: rows }, () => randomUnitVector(dimensions, random));
      const packed = pack(vectors, dimensions);
      for (let probe = 0; probe < 20; probe++) {
        const query = nearby(vectors[probe % rows] as Float32Array, 0.05, random);
        for (const count of [1, 4]) {
          assert.deepEqual(
            searchPackedRows({ packed, rows, dimensions, query, count }),
            referenceScan(packed, rows, dimensions, query, count),
          );
        }
      }
    }
  });

  it('gives the same answer on crowded near-duplicates and exact ties (earlier row first)', () => {
    const random = createSeededRandomForTest(12);
    const base = randomUnitVector(dimensions, random);
    const vectors = Array.from({ length: 200 }, (_, row) =>
      row % 10 === 0 ? base : nearby(base, row < 100 ? 1e-6 : 0.02, random),
    );
    const packed = pack(vectors, dimensions);
    for (let probe = 0; probe < 10; probe++) {
      const query = probe === 0 ? base : nearby(base, 1e-4, random);
      const found = searchPackedRows({ packed, rows: vectors.length, dimensions, query, count: 4 });
      assert.deepEqual(found, referenceScan(packed, vectors.length, dimensions, query, 4));
    }
    const copies = Array.from({ length: 100 }, () => base);
    const query = randomUnitVector(dimensions, random);
    const ties = searchPackedRows({
      packed: pack(copies, dimensions),
      rows: copies.length,
      dimensions,
      query,
      count: 3,
    });
    assert.deepEqual(
      ties.map((match) => match.row),
      [0, 1, 2],
    );
  });

  it('reads a query that is a view into a larger buffer (as the embedder hands vectors over)', () => {
    const random = createSeededRandomForTest(13);
    const rows = 150;
    const vectors = Array.from({ length: rows }, () => randomUnitVector(dimensions, random));
    const packed = pack(vectors, dimensions);
    const batch = new Float32Array(3 * dimensions);
    batch.set(randomUnitVector(dimensions, random), 0);
    batch.set(nearby(vectors[42] as Float32Array, 0.05, random), dimensions);
    const query = batch.subarray(dimensions, 2 * dimensions);
    const found = searchPackedRows({ packed, rows, dimensions, query, count: 4 });
    assert.equal(found[0]?.row, 42);
    assert.deepEqual(found, referenceScan(packed, rows, dimensions, query, 4));
  });

  it('returns nothing for an empty matrix or a count of zero', () => {
    const query = new Float32Array(dimensions);
    assert.deepEqual(searchPackedRows({ packed: new Float32Array(0), rows: 0, dimensions, query, count: 4 }), []);
    assert.deepEqual(searchPackedRows({ packed: pack([query], dimensions), rows: 1, dimensions, query, count: 0 }), []);
  });
});
