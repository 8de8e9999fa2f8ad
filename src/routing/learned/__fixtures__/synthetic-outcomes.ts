import type { OutcomeRow } from '../outcome-row.js';

const NOUNS = ['river', 'garden', 'engine', 'market', 'winter', 'ladder', 'violin', 'harbour', 'pepper', 'canvas'];
const ADJECTIVES = ['quiet', 'golden', 'broken', 'early', 'hidden', 'narrow', 'bright', 'distant'];
const LANGUAGES = ['French', 'German', 'Spanish', 'Italian'];

/** Deterministic pseudo-random numbers for fixtures. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

/** A synthetic prompt of the easy kind (translation) or the hard kind (a proof). */
export function syntheticPrompt(kind: 'easy' | 'hard', index: number): string {
  const noun = NOUNS[index % NOUNS.length] as string;
  const adjective = ADJECTIVES[(index * 3) % ADJECTIVES.length] as string;
  if (kind === 'easy') {
    return `Translate the phrase "the ${adjective} ${noun}" into ${LANGUAGES[index % LANGUAGES.length]}.`;
  }
  return `Prove step by step that the sum of the first ${index + 3} odd numbers is a perfect square, then derive the ${adjective} ${noun} case.`;
}

/**
 * Outcomes where the cheap model succeeds on easy prompts and fails on hard ones, the mid model is
 * right 60% of the time on hard ones, and the premium model is right on everything; costs are fixed
 * per model. `noise` flips that share of the cheap model's outcomes.
 */
export function createSyntheticOutcomes(options: { perKind: number; seed?: number; noise?: number }): OutcomeRow[] {
  const random = createRandom(options.seed ?? 7);
  const rows: OutcomeRow[] = [];
  for (let index = 0; index < options.perKind; index += 1) {
    for (const kind of ['easy', 'hard'] as const) {
      const prompt = syntheticPrompt(kind, index);
      let cheap = kind === 'easy' ? 1 : 0;
      if (random() < (options.noise ?? 0)) cheap = 1 - cheap;
      const mid = kind === 'easy' ? 1 : random() < 0.6 ? 1 : 0;
      rows.push({ prompt, model: 'cheap', score: cheap, costUsd: 0.0001 });
      rows.push({ prompt, model: 'mid', score: mid, costUsd: 0.001 });
      rows.push({ prompt, model: 'premium', score: 1, costUsd: 0.01 });
    }
  }
  return rows;
}
