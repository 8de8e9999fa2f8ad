/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same folds on every machine. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Input of {@link splitFoldsByPrompt}. */
export interface SplitFoldsInput {
  /** Distinct prompts (indices into an outcome table): a prompt is never in two folds. */
  promptIndices: readonly number[];
  folds: number;
  seed: number;
}

/**
 * Shuffles the prompts with the seed and deals them into `folds` folds of near-equal size. Splitting by
 * prompt (not by row) keeps every model's outcome on a test prompt out of training.
 */
export function splitFoldsByPrompt(input: SplitFoldsInput): number[][] {
  const random = createSeededRandom(input.seed);
  const shuffled = [...input.promptIndices];
  for (let index = shuffled.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [shuffled[index], shuffled[other]] = [shuffled[other] as number, shuffled[index] as number];
  }
  const folds = Math.max(2, Math.min(input.folds, shuffled.length));
  return Array.from({ length: folds }, (_, fold) => shuffled.filter((_, position) => position % folds === fold));
}
