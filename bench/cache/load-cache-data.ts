import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One labelled question pair (Quora): label 1 means the same question. */
export interface LabelledPair {
  textA: string;
  textB: string;
  duplicate: boolean;
}

/** One GPTCache mock pair: `similar` is a paraphrase of `origin`. */
export interface ParaphrasePair {
  origin: string;
  similar: string;
}

/** The project root, two folders above this file. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `../shared/data/cache` relative to the project root, or `TOLLGATE_DATA_DIR/cache`. */
export function cacheDataDirectory(): string {
  const base = process.env.TOLLGATE_DATA_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'data');
  return join(base, 'cache');
}

function readJson(file: string): unknown {
  if (!existsSync(file)) {
    console.error(
      `Missing evaluation data: ${file}\n` +
        'The cache evaluation reads ../shared/data/cache/ (Quora pairs and GPTCache mock pairs) beside the project;\n' +
        'put that folder there or point TOLLGATE_DATA_DIR at the data folder.',
    );
    process.exit(2);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The Quora question pairs, in file order. */
export function loadQuoraPairs(): LabelledPair[] {
  const rows = readJson(join(cacheDataDirectory(), 'qqp_pairs_dev.json')) as {
    text_a: string;
    text_b: string;
    label: number;
  }[];
  return rows.map((row) => ({ textA: row.text_a, textB: row.text_b, duplicate: row.label === 1 }));
}

/** The GPTCache paraphrase pairs, in file order. */
export function loadMockPairs(): ParaphrasePair[] {
  const rows = readJson(join(cacheDataDirectory(), 'gptcache_mock_pairs.json')) as ParaphrasePair[];
  return rows.map((row) => ({ origin: row.origin, similar: row.similar }));
}

/** mulberry32: a tiny seeded generator, so that a "random" subset is the same on every run. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` items drawn without replacement by a seeded Fisher–Yates shuffle, in their original order. */
export function sampleSeeded<T>(items: readonly T[], options: { count: number; seed: number }): T[] {
  if (options.count >= items.length) return [...items];
  const random = createSeededRandom(options.seed);
  const indexes = items.map((_, index) => index);
  for (let index = indexes.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [indexes[index], indexes[other]] = [indexes[other] as number, indexes[index] as number];
  }
  return indexes
    .slice(0, options.count)
    .sort((left, right) => left - right)
    .map((index) => items[index] as T);
}

/** How the Quora pairs are divided into a tune part and a test part. */
export type QuoraSplit = 'grouped' | 'halves';

/** The seed of the grouped split: fixed, so that the test part is the same on every run and machine. */
export const GROUPED_SPLIT_SEED = 20_261_123;

// Questions recur across pairs, sometimes re-cased or re-punctuated: they count as one question.
function normaliseQuestion(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[?.! ]+$/, '');
}

/**
 * A group id per pair: pairs are linked when they share a question (after normalising case, spaces
 * and end punctuation), and a group is a connected set of linked pairs (at most 154 pairs on Quora).
 */
export function questionGroups(pairs: readonly LabelledPair[]): number[] {
  const parent = new Map<string, string>();
  const find = (start: string): string => {
    let node = start;
    for (;;) {
      const up = parent.get(node) ?? node;
      if (up === node) return node;
      const grand = parent.get(up) ?? up;
      parent.set(node, grand);
      node = grand;
    }
  };
  for (const pair of pairs) {
    const left = find(normaliseQuestion(pair.textA));
    const right = find(normaliseQuestion(pair.textB));
    if (left !== right) parent.set(left, right);
  }
  const ids = new Map<string, number>();
  return pairs.map((pair) => {
    const root = find(normaliseQuestion(pair.textA));
    let id = ids.get(root);
    if (id === undefined) {
      id = ids.size;
      ids.set(root, id);
    }
    return id;
  });
}

/**
 * Which pairs are tune pairs under the grouped split: each group of {@link questionGroups} goes to
 * the tune or the test part by a seeded coin, so that no question of the test part was seen while
 * tuning (a learned verifier could otherwise remember questions rather than learn what makes two alike).
 */
export function groupedTuneMask(pairs: readonly LabelledPair[], seed = GROUPED_SPLIT_SEED): boolean[] {
  const groups = questionGroups(pairs);
  const random = createSeededRandom(seed);
  const tuneGroups: boolean[] = [];
  for (let group = 0; group <= Math.max(-1, ...groups); group++) tuneGroups.push(random() < 0.5);
  return groups.map((group) => tuneGroups[group] as boolean);
}

/**
 * The Quora evaluation splits, each a seeded sample of `perSplit` pairs. `grouped` (the default): a
 * seeded split by groups of pairs sharing a question (see {@link groupedTuneMask}). `halves`: the
 * file's first half to tune, its second half to report on (the file's order is random, but 17% of
 * second-half pairs share a question with the first half).
 */
export function splitQuoraPairs(options: { perSplit: number; seed?: number; split?: QuoraSplit }): {
  tune: LabelledPair[];
  test: LabelledPair[];
} {
  const pairs = loadQuoraPairs();
  const seed = options.seed ?? 20_260_801;
  let tunePairs: LabelledPair[];
  let testPairs: LabelledPair[];
  if ((options.split ?? 'grouped') === 'grouped') {
    const mask = groupedTuneMask(pairs);
    tunePairs = pairs.filter((_, index) => mask[index]);
    testPairs = pairs.filter((_, index) => !mask[index]);
  } else {
    const middle = Math.floor(pairs.length / 2);
    tunePairs = pairs.slice(0, middle);
    testPairs = pairs.slice(middle);
  }
  return {
    tune: sampleSeeded(tunePairs, { count: options.perSplit, seed }),
    test: sampleSeeded(testPairs, { count: options.perSplit, seed: seed + 1 }),
  };
}
