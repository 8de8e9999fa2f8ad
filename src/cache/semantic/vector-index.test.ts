import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSeededRandomForTest, randomUnitVector } from './__fixtures__/random-vectors.js';
import { VectorIndex } from './vector-index.js';

describe('VectorIndex', () => {
  it('finds the exact nearest neighbour while small, most similar first', () => {
    const random = createSeededRandomForTest(1);
    const index = new VectorIndex({ dimensions: 32, exactUpTo: 100 });
    const vectors = Array.from({ length: 50 }, () => randomUnitVector(32, random));
    for (const [key, vector] of vectors.entries()) index.add(key, vector);
    assert.equal(index.approximate, false);
    const matches = index.search(vectors[17] as Float32Array, 3);
    assert.equal(matches[0]?.key, 17);
    assert.ok(Math.abs((matches[0]?.similarity ?? 0) - 1) < 1e-5);
    assert.ok((matches[1]?.similarity ?? 2) <= (matches[0]?.similarity ?? 0));
    assert.ok((matches[2]?.similarity ?? 2) <= (matches[1]?.similarity ?? 0));
  });

  it('moves to HNSW past its exact size and keeps answering the same', () => {
    const random = createSeededRandomForTest(2);
    const index = new VectorIndex({ dimensions: 32, exactUpTo: 64 });
    const vectors = Array.from({ length: 500 }, () => randomUnitVector(32, random));
    for (const [key, vector] of vectors.entries()) index.add(key, vector);
    assert.equal(index.approximate, true);
    assert.equal(index.size, 500);
    let found = 0;
    for (let key = 0; key < 500; key += 5) if (index.search(vectors[key] as Float32Array, 1)[0]?.key === key) found++;
    assert.ok(found >= 98, `self-recall ${found}/100`);
  });

  it('removes vectors in both modes and ignores a repeated key', () => {
    const random = createSeededRandomForTest(3);
    for (const exactUpTo of [1000, 0]) {
      const index = new VectorIndex({ dimensions: 16, exactUpTo });
      const vectors = Array.from({ length: 20 }, () => randomUnitVector(16, random));
      for (const [key, vector] of vectors.entries()) index.add(key, vector);
      index.add(3, vectors[4] as Float32Array);
      assert.equal(index.size, 20);
      assert.equal(index.remove(3), true);
      assert.equal(index.remove(3), false);
      assert.equal(index.size, 19);
      assert.notEqual(index.search(vectors[3] as Float32Array, 1)[0]?.key, 3);
      assert.equal(index.search(vectors[19] as Float32Array, 1)[0]?.key, 19);
    }
  });

  it('refuses a vector of the wrong size', () => {
    const index = new VectorIndex({ dimensions: 4 });
    assert.throws(() => index.add(1, new Float32Array(3)), RangeError);
  });
});

describe('VectorIndex.addBatch', () => {
  it('indexes a batch on the HNSW graph, skipping keys already present', () => {
    const random = createSeededRandomForTest(4);
    const index = new VectorIndex({ dimensions: 32, exactUpTo: 10 });
    const vectors = Array.from({ length: 300 }, () => randomUnitVector(32, random));
    index.add(0, vectors[0] as Float32Array);
    index.addBatch(vectors.map((vector, key) => ({ key, vector })));
    assert.equal(index.approximate, true);
    assert.equal(index.size, 300);
    assert.equal(index.search(vectors[123] as Float32Array, 1)[0]?.key, 123);
  });
});
