import { hashText } from './hash-text.js';

function stem(word: string): string {
  // A light plural strip so "caches" and "cache" share a feature.
  return word.length > 4 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/**
 * A deterministic unit vector for a text: a signed, hashed bag of words and word pairs. Texts that
 * share words point in similar directions (cosine similarity tracks word overlap), which is what a
 * semantic cache needs from a stand-in embedding model.
 */
export function embedText(text: string, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
  const addFeature = (feature: string, weight: number): void => {
    const hash = hashText(feature);
    // Two slots per feature soften collisions when the vector is short.
    for (const slotHash of [hash, hashText(feature, 7)]) {
      const slot = slotHash % dimensions;
      const sign = Math.floor(slotHash / dimensions) % 2 === 0 ? 1 : -1;
      vector[slot] = (vector[slot] ?? 0) + sign * weight;
    }
  };
  words.forEach((word, index) => {
    addFeature(word, 1);
    const next = words[index + 1];
    if (next !== undefined) addFeature(`${word} ${next}`, 0.5);
  });
  let norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[0] = 1;
    norm = 1;
  }
  return vector.map((value) => value / norm);
}
