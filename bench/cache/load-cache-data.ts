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

/** The Quora evaluation splits: tune on the file's first half, report on the second, each a seeded sample. */
export function splitQuoraPairs(options: { perSplit: number; seed?: number }): {
  tune: LabelledPair[];
  test: LabelledPair[];
} {
  const pairs = loadQuoraPairs();
  const middle = Math.floor(pairs.length / 2);
  const seed = options.seed ?? 20_260_801;
  return {
    tune: sampleSeeded(pairs.slice(0, middle), { count: options.perSplit, seed }),
    test: sampleSeeded(pairs.slice(middle), { count: options.perSplit, seed: seed + 1 }),
  };
}
