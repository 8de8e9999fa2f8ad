/** A seeded uniform generator for tests (mulberry32). */
export function createSeededRandomForTest(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random unit vector (Gaussian components via Box–Muller, so directions are uniform). */
export function randomUnitVector(dimensions: number, random: () => number): Float32Array {
  const vector = new Float32Array(dimensions);
  let length = 0;
  for (let index = 0; index < dimensions; index++) {
    const value = Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    vector[index] = value;
    length += value * value;
  }
  length = Math.sqrt(length);
  for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] as number) / length;
  return vector;
}
