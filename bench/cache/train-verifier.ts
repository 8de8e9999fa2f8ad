// npm run train:verifier [-- --split grouped|halves] [--out FILE]
// Trains the semantic cache's pair classifier on the tune part of the Quora pairs and writes
// src/cache/semantic/verifier-model.json (the grouped split; `--split halves` writes a model of the
// file's first half to bench/results/verifier-model-halves.json.tmp, for eval:cache -- --split halves).
// The operating point (least probability served) is chosen by 5-fold cross-validation inside the tune
// part: the most recall whose out-of-fold precision minus one standard error is at least 0.95.
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createLocalEmbedder } from '../../src/cache/embedders/create-local-embedder.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../src/cache/semantic/adaptive-thresholds.js';
import { computePairFeatures, PAIR_FEATURE_NAMES } from '../../src/cache/semantic/compute-pair-features.js';
import { PairClassifier, type PairClassifierModel } from '../../src/cache/semantic/pair-classifier.js';
import { verifyCandidate } from '../../src/cache/semantic/verify-candidate.js';
import { EmbeddingFileCache } from './embedding-file-cache.js';
import { type BoostingOptions, fitBoostedTrees } from './fit-boosted-trees.js';
import {
  createSeededRandom,
  GROUPED_SPLIT_SEED,
  PROJECT_ROOT,
  type QuoraSplit,
  questionGroups,
  splitQuoraPairs,
} from './load-cache-data.js';
import { type ScoredPair, scorePairs } from './score-pairs.js';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const split = (option('--split') ?? 'grouped') as QuoraSplit;
if (split !== 'grouped' && split !== 'halves') throw new Error(`--split must be grouped or halves, not ${split}`);
const out =
  option('--out') ??
  (split === 'grouped'
    ? join(PROJECT_ROOT, 'src', 'cache', 'semantic', 'verifier-model.json')
    : join(PROJECT_ROOT, 'bench', 'results', 'verifier-model-halves.json.tmp'));

/** Pairs below this cosine are left out of training: the cache never sees them at its thresholds. */
const TRAINING_GATE = 0.8;
const PRECISION_BAR = 0.95;
const FOLDS = 5;
const BOOSTING: BoostingOptions = { trees: 300, depth: 3, learningRate: 0.05, lambda: 1, minLeaf: 20, bins: 32 };

const started = Date.now();
const tune = splitQuoraPairs({ perSplit: Number.POSITIVE_INFINITY, split }).tune;
const embedder = await createLocalEmbedder({ thread: 'main' });
const vectors = new EmbeddingFileCache(embedder);
const missing = [...new Set(tune.flatMap((pair) => [pair.textA, pair.textB]))].filter(
  (text) => vectors.get(text) === undefined,
);
if (missing.length > 0) console.error(`embedding ${missing.length} tune texts not yet in bench/results/…`);
await vectors.ensure(missing);
const scored = scorePairs(tune, (text) => vectors.get(text) as Float32Array);
// The cache asks with the new prompt (text B) against the cached one (text A), as eval:cache does.
const featuresOf = (pair: ScoredPair) =>
  computePairFeatures({ query: pair.textB, candidate: pair.textA, similarity: pair.similarity }).features;
const training = scored.filter((pair) => pair.similarity >= TRAINING_GATE);
const rows = training.map(featuresOf);
const labels = training.map((pair) => pair.duplicate);

// Folds by question group: a question never sits in both a training fold and its held-out fold.
const groups = questionGroups(training);
const random = createSeededRandom(GROUPED_SPLIT_SEED + 7);
const foldOfGroup = new Map<number, number>();
const folds = groups.map((group) => {
  let fold = foldOfGroup.get(group);
  if (fold === undefined) {
    fold = Math.floor(random() * FOLDS);
    foldOfGroup.set(group, fold);
  }
  return fold;
});

const toModel = (fitted: ReturnType<typeof fitBoostedTrees>, minProbability: number): PairClassifierModel => ({
  trainedWith: {},
  featureNames: [...PAIR_FEATURE_NAMES],
  ...fitted,
  minProbability,
});

// Out-of-fold probability of every tune pair the cache would verify (cosine ≥ the default threshold);
// a pair the hard checks reject is never served, whatever its probability.
const gated = training.map((pair) => pair.similarity >= DEFAULT_SEMANTIC_THRESHOLD);
const outOfFold = new Float64Array(training.length).fill(-1);
for (let fold = 0; fold < FOLDS; fold++) {
  const inFold = (index: number) => folds[index] === fold;
  const fitted = fitBoostedTrees(
    rows.filter((_, index) => !inFold(index)),
    labels.filter((_, index) => !inFold(index)),
    BOOSTING,
  );
  const classifier = new PairClassifier(toModel(fitted, 0));
  training.forEach((pair, index) => {
    if (!inFold(index) || !gated[index]) return;
    const verdict = verifyCandidate(
      { query: pair.textB, candidate: pair.textA, similarity: pair.similarity },
      { classifier, minProbability: 0 },
    );
    outOfFold[index] = verdict.accept ? (verdict.probability as number) : -1;
  });
  console.error(`fold ${fold + 1}/${FOLDS} done`);
}

// The operating point: walk down the out-of-fold probabilities; keep the lowest cut whose precision
// minus one standard error clears the bar. If none does, the cut with the most (precision − 1 s.e.)
// among those that serve at least 2% of the duplicates.
const tunePositives = tune.filter((pair) => pair.duplicate).length;
const ranked = [...outOfFold.keys()]
  .filter((index) => (outOfFold[index] as number) >= 0)
  .sort((left, right) => (outOfFold[right] as number) - (outOfFold[left] as number));
type Cut = { minProbability: number; hits: number; precision: number; standardError: number; recall: number };
const cuts: Cut[] = [];
let correct = 0;
ranked.forEach((index, position) => {
  if (labels[index]) correct++;
  const probability = outOfFold[index] as number;
  const nextProbability =
    ranked[position + 1] === undefined ? -1 : (outOfFold[ranked[position + 1] as number] as number);
  if (nextProbability === probability) return;
  const hits = position + 1;
  const precision = correct / hits;
  cuts.push({
    minProbability: probability,
    hits,
    precision,
    standardError: Math.sqrt((precision * (1 - precision)) / hits),
    recall: correct / tunePositives,
  });
});
const atBar = cuts.filter((cut) => cut.precision - cut.standardError >= PRECISION_BAR);
const chosen =
  atBar.length > 0
    ? atBar.reduce((best, cut) => (cut.recall > best.recall ? cut : best))
    : cuts
        .filter((cut) => cut.recall >= 0.02)
        .reduce((best, cut) => (cut.precision - cut.standardError > best.precision - best.standardError ? cut : best));
const rule =
  atBar.length > 0
    ? 'most recall with precision − 1 s.e. ≥ 0.95'
    : 'no cut clears the bar: most precision − 1 s.e. at recall ≥ 0.02';

const final = fitBoostedTrees(rows, labels, BOOSTING);
const round = (value: number) => Number(value.toPrecision(6));
const model: PairClassifierModel = {
  trainedWith: {
    command: `npm run train:verifier${split === 'grouped' ? '' : ' -- --split halves'}`,
    date: new Date().toISOString().slice(0, 10),
    data: '../shared/data/cache/qqp_pairs_dev.json (Quora question pairs, research use only; only learned parameters are kept here)',
    split:
      split === 'grouped'
        ? `grouped: question groups to the tune part by a seeded coin (seed ${GROUPED_SPLIT_SEED}); trained on the tune part only`
        : "halves: the file's first half",
    tunePairs: tune.length,
    trainingPairs: `${training.length} tune pairs with cosine ≥ ${TRAINING_GATE} (${labels.filter(Boolean).length} duplicates)`,
    embedder: embedder.id,
    boosting: BOOSTING,
    hardChecks: 'see HARD_CHECKS in verify-candidate.ts',
    operatingPoint: {
      rule,
      crossValidation: `${FOLDS} folds by question group, pairs at cosine ≥ ${DEFAULT_SEMANTIC_THRESHOLD}`,
      minProbability: round(chosen.minProbability),
      precision: round(chosen.precision),
      standardError: round(chosen.standardError),
      recall: round(chosen.recall),
      hits: chosen.hits,
    },
  },
  featureNames: [...PAIR_FEATURE_NAMES],
  base: round(final.base),
  learningRate: final.learningRate,
  depth: final.depth,
  minProbability: round(chosen.minProbability),
  trees: final.trees.map((tree) => ({
    feature: tree.feature,
    threshold: tree.threshold.map(round),
    leaves: tree.leaves.map(round),
  })),
};
writeFileSync(out, `${JSON.stringify(model)}\n`);
console.log(JSON.stringify(model.trainedWith, null, 2));
const show = (cut: Cut) =>
  `p ≥ ${cut.minProbability.toFixed(3)}: ${cut.hits} hits, precision ${cut.precision.toFixed(3)} ± ${cut.standardError.toFixed(3)}, recall ${cut.recall.toFixed(3)}`;
for (const hits of [100, 200, 400, 600, 800, 1200, 1600]) {
  const cut = cuts.find((candidate) => candidate.hits >= hits);
  if (cut !== undefined) console.log(`  out of fold, ${show(cut)}`);
}
console.log(`chosen: ${show(chosen)}`);
console.log(`wrote ${relative(PROJECT_ROOT, out)} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
