/**
 * A fast 53-bit string hash (cyrb53). Deterministic across runs and machines, which is all the
 * simulator needs: it derives answers, ids and embeddings from it, never security.
 */
export function hashText(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Hashes of a token sequence's prefixes at the given lengths, computed in one pass. Two independent
 * 32-bit lanes keep accidental collisions negligible for a bounded cache.
 */
export function hashTokenPrefixes(tokens: readonly number[], lengths: readonly number[]): string[] {
  const sorted = [...lengths].sort((left, right) => left - right);
  const byLength = new Map<number, string>();
  let lane1 = 0x811c9dc5;
  let lane2 = 0x01000193;
  let position = 0;
  for (const length of sorted) {
    const end = Math.min(length, tokens.length);
    for (; position < end; position++) {
      const token = tokens[position] ?? 0;
      lane1 = Math.imul(lane1 ^ token, 0x01000193) >>> 0;
      lane2 = (Math.imul(lane2, 31) + token + 0x9e3779b9) >>> 0;
      lane2 ^= lane2 >>> 15;
    }
    byLength.set(length, `${end}:${lane1.toString(36)}:${lane2.toString(36)}`);
  }
  return lengths.map((length) => byLength.get(length) ?? '');
}
