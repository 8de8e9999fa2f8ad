// npm run eval:cache [-- --pairs N | --full | --available] [--split grouped|halves]
// Precision, recall and hit rate of the semantic cache on real paraphrase data, for the raw embedding
// and with the verifier (learned, as the gateway runs it, and the hand-written rules), on the test part
// of the Quora pairs: by default the grouped split (no question shared with the tune part the verifier
// model was trained on); `--split halves` reports on the file's second half with a model trained on its
// first half (`npm run train:verifier -- --split halves` first).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalEmbedder, LOCAL_EMBEDDER_ID } from '../../src/cache/embedders/create-local-embedder.js';
import { DEFAULT_SEMANTIC_THRESHOLD } from '../../src/cache/semantic/adaptive-thresholds.js';
import { loadShippedPairClassifier, PairClassifier } from '../../src/cache/semantic/pair-classifier.js';
import type { VerifierOptions } from '../../src/cache/semantic/verify-match.js';
import { EmbeddingFileCache } from './embedding-file-cache.js';
import { loadMockPairs, loadQuoraPairs, PROJECT_ROOT, type QuoraSplit, splitQuoraPairs } from './load-cache-data.js';
import { createPrecomputedEmbedder } from './precomputed-embedder.js';
import { renderPrChart } from './render-pr-chart.js';
import {
  type OperatingPoint,
  type ScoredPair,
  scorePairs,
  sweep,
  sweepProbability,
  type VerifierSetting,
} from './score-pairs.js';
import { simulateCache } from './simulate-cache.js';

const args = process.argv.slice(2);
const full = args.includes('--full');
// Every pair whose two texts are already embedded (no model run): the larger sample while a full
// embedding of the file is still under way.
const available = args.includes('--available');
const pairsArgument = args.indexOf('--pairs');
const perSplit = full ? Number.POSITIVE_INFINITY : pairsArgument >= 0 ? Number(args[pairsArgument + 1]) : 8000;
const splitArgument = args.indexOf('--split');
const split = (splitArgument >= 0 ? args[splitArgument + 1] : 'grouped') as QuoraSplit;
if (split !== 'grouped' && split !== 'halves') throw new Error(`--split must be grouped or halves, not ${split}`);
const DEFAULT_THRESHOLD = DEFAULT_SEMANTIC_THRESHOLD;
const PRECISION_BAR = 0.95;

// The grouped split evaluates the model the gateway ships; the halves split one trained the same way
// on the file's first half (the shipped model was trained on pairs of both halves).
const halvesModel = join(PROJECT_ROOT, 'bench', 'results', 'verifier-model-halves.json.tmp');
if (split === 'halves' && !existsSync(halvesModel)) {
  console.error('No model of the first half: run npm run train:verifier -- --split halves first.');
  process.exit(2);
}
const classifier = split === 'halves' ? PairClassifier.fromFile(halvesModel) : loadShippedPairClassifier();
const learned = (options: VerifierOptions = {}): VerifierOptions =>
  split === 'halves' ? { ...options, classifier } : options;

const mock = loadMockPairs();
const embedder = await createLocalEmbedder({ thread: 'main' });
const vectors = new EmbeddingFileCache(embedder);
const splits = splitQuoraPairs({ perSplit: available ? Number.POSITIVE_INFINITY : perSplit, split });
const embedded = (pair: { textA: string; textB: string }) =>
  vectors.get(pair.textA) !== undefined && vectors.get(pair.textB) !== undefined;
const tune = available ? splits.tune.filter(embedded) : splits.tune;
const test = available ? splits.test.filter(embedded) : splits.test;
const allTexts = [
  ...mock.flatMap((pair) => [pair.origin, pair.similar]),
  ...[...tune, ...test].flatMap((pair) => [pair.textA, pair.textB]),
];
console.error(
  `${vectors.size} embeddings cached in bench/results/; embedding the rest of ${new Set(allTexts).size} texts…`,
);
const perText = await vectors.ensure(allTexts, (done, total) => {
  if (done % 2560 === 0 || done === total) console.error(`  embedded ${done}/${total}`);
});
if (perText !== undefined) console.error(`  ${perText.toFixed(1)} ms per text`);
const vectorOf = (text: string) => vectors.get(text) as Float32Array;

const ANY = Number.POSITIVE_INFINITY;
const defaultSetting: VerifierSetting = { name: 'learned verifier (default)', options: learned() };
const rulesDefault: VerifierSetting = {
  name: 'rules: no extra, ≤2 frame words (previous default)',
  options: { mode: 'rules' },
};
const settings: VerifierSetting[] = [
  { name: 'raw embedding', options: undefined },
  { name: 'rules: checks only', options: { mode: 'rules', maxExtraWords: ANY, maxFunctionWordChanges: ANY } },
  { name: 'rules: no extra word', options: { mode: 'rules', maxExtraWords: 0, maxFunctionWordChanges: ANY } },
  rulesDefault,
  { name: 'learned: hard checks only', options: learned({ minProbability: 0 }) },
  { name: 'learned, p ≥ 0.85', options: learned({ minProbability: 0.85 }) },
  { name: 'learned, p ≥ 0.90', options: learned({ minProbability: 0.9 }) },
  defaultSetting,
];
const thresholds = Array.from({ length: 19 }, (_, index) => Math.round((0.8 + index * 0.01) * 100) / 100);

const scoredTune = scorePairs(tune, vectorOf);
const scoredTest = scorePairs(test, vectorOf);
const sweeps = (pairs: ScoredPair[]) =>
  new Map(settings.map((setting) => [setting.name, sweep({ pairs, setting, thresholds })]));
const tuneSweeps = sweeps(scoredTune);
const testSweeps = sweeps(scoredTest);
const minProbabilities = Array.from({ length: 25 }, (_, index) => Math.round((0.5 + index * 0.02) * 100) / 100);
const testProbabilitySweep = sweepProbability({
  pairs: scoredTest,
  setting: defaultSetting,
  similarityThreshold: DEFAULT_THRESHOLD,
  minProbabilities: [...minProbabilities, classifier.minProbability].sort((left, right) => left - right),
});
const standardError = (point: OperatingPoint) =>
  point.hits === 0 ? 1 : Math.sqrt((point.precision * (1 - point.precision)) / point.hits);
const pointOf = (table: Map<string, OperatingPoint[]>, setting: string, threshold: number) =>
  (table.get(setting) ?? []).find((point) => point.threshold === threshold) as OperatingPoint;

// Mock pairs are all paraphrases: recall only, pairwise.
const mockPairs = scorePairs(
  mock.map((pair) => ({ textA: pair.origin, textB: pair.similar, duplicate: true })),
  vectorOf,
);
const mockSweeps = sweeps(mockPairs);

// The real cache, end to end (vectors precomputed by the same model). Mock: the origins are cached and
// each paraphrase must come back with its own origin. Quora: the test half's first questions are
// cached and its second questions asked; a hit is judged by the label of (question, cached question)
// anywhere in the file, or as correct when the two are the same text; unlabelled hits are reported apart.
const precomputed = createPrecomputedEmbedder({ id: LOCAL_EMBEDDER_ID, dimensions: embedder.dimensions, vectors });
const pairKey = (left: string, right: string) => (left < right ? `${left}\u0000${right}` : `${right}\u0000${left}`);
const labels = new Map(loadQuoraPairs().map((pair) => [pairKey(pair.textA, pair.textB), pair.duplicate]));
const sameText = (left: string, right: string) => left.trim().toLowerCase() === right.trim().toLowerCase();
const mockOriginOf = new Map(mock.map((pair) => [pair.similar, pair.origin]));
const simulations = [];
for (const [name, verifier, threshold] of [
  ['raw embedding', false, DEFAULT_THRESHOLD],
  [`default (${defaultSetting.name})`, learned(), DEFAULT_THRESHOLD],
  [rulesDefault.name, { mode: 'rules' }, DEFAULT_THRESHOLD],
] as const) {
  const mockResult = await simulateCache({
    embedder: precomputed,
    cached: mock.map((pair) => pair.origin),
    queries: mock.map((pair) => pair.similar),
    judge: (query, answeredFrom) => (mockOriginOf.get(query) === answeredFrom ? 'correct' : 'wrong'),
    answerable: mock.length,
    threshold,
    verifier,
  });
  const quoraResult = await simulateCache({
    embedder: precomputed,
    cached: test.map((pair) => pair.textA),
    queries: test.map((pair) => pair.textB),
    judge: (query, answeredFrom) => {
      if (sameText(query, answeredFrom)) return 'correct';
      const label = labels.get(pairKey(query, answeredFrom));
      return label === undefined ? 'unknown' : label ? 'correct' : 'wrong';
    },
    answerable: test.filter((pair) => pair.duplicate).length,
    threshold,
    verifier,
  });
  simulations.push({ name, threshold, mock: mockResult, quora: quoraResult });
}

const format = (value: number) => value.toFixed(3);
const lines: string[] = [];
lines.push('# Semantic cache evaluation', '');
const trainedWith = JSON.stringify(classifier.trainedWith.operatingPoint);
lines.push(
  `Embedder: ${LOCAL_EMBEDDER_ID} (local, 512 dimensions). Quora pairs, ${split === 'grouped' ? 'grouped split (question groups to tune or test by a seeded coin; no question in both)' : "halves split (the file's first half to tune, its second to test)"}: tune = ${scoredTune.length} pairs, test = ${scoredTest.length} (${full ? 'all pairs' : available ? 'every pair whose texts were embedded' : `seeded random sample, seed 20260801/20260802, ${perSplit} per part`}); positives: tune ${tune.filter((pair) => pair.duplicate).length}, test ${test.filter((pair) => pair.duplicate).length}. GPTCache mock pairs: ${mock.length} (all paraphrases).`,
  '',
  `Default operating point (code defaults): similarity threshold ${DEFAULT_THRESHOLD}, hard checks, then the ${split === 'grouped' ? 'shipped pair classifier (src/cache/semantic/verifier-model.json)' : 'pair classifier trained on the first half'} at p ≥ ${classifier.minProbability}, chosen by cross-validation inside the tune part: ${trainedWith}.`,
  "The learned settings' tune-part numbers are in-sample (the model was trained on those pairs); the test part is held out.",
  '',
);
lines.push('## Quora pairs, test part: precision / recall / hit rate by similarity threshold', '');
const shown = [0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98];
lines.push(`| setting | ${shown.map((threshold) => `≥ ${threshold}`).join(' | ')} |`);
lines.push(`| --- | ${shown.map(() => '---').join(' | ')} |`);
for (const setting of settings) {
  const cells = shown.map((threshold) => {
    const point = pointOf(testSweeps, setting.name, threshold);
    return `${format(point.precision)} / ${format(point.recall)} / ${format(point.hitRate)}`;
  });
  lines.push(`| ${setting.name}${setting === defaultSetting ? ' (default)' : ''} | ${cells.join(' | ')} |`);
}
lines.push('', `## Operating points at similarity ${DEFAULT_THRESHOLD}`, '');
lines.push(
  '| setting | tune: precision / recall | test: precision ± 1 s.e. / recall | test hit rate | wrong answers served (test) | mock-pair recall |',
);
lines.push('| --- | --- | --- | --- | --- | --- |');
for (const setting of settings) {
  const tunePoint = pointOf(tuneSweeps, setting.name, DEFAULT_THRESHOLD);
  const point = pointOf(testSweeps, setting.name, DEFAULT_THRESHOLD);
  const mockPoint = pointOf(mockSweeps, setting.name, DEFAULT_THRESHOLD);
  lines.push(
    `| ${setting.name} | ${format(tunePoint.precision)} / ${format(tunePoint.recall)} | ${format(point.precision)} ± ${format(standardError(point))} / ${format(point.recall)} | ${format(point.hitRate)} | ${point.wrongHits} of ${point.hits} hits | ${format(mockPoint.recall)} |`,
  );
}
lines.push(
  '',
  `## Learned verifier on the test part: precision / recall by least probability (similarity ≥ ${DEFAULT_THRESHOLD})`,
  '',
);
lines.push('| p ≥ | precision ± 1 s.e. | recall | hits | wrong |', '| --- | --- | --- | --- | --- |');
for (const point of testProbabilitySweep) {
  lines.push(
    `| ${point.threshold}${point.threshold === classifier.minProbability ? ' (default)' : ''} | ${format(point.precision)} ± ${format(standardError(point))} | ${format(point.recall)} | ${point.hits} | ${point.wrongHits} |`,
  );
}
if (split === 'halves') {
  // Quora questions recur across pairs; the test pairs none of whose texts occur in the tune half show
  // whether the verifier carried over to unseen questions.
  const tuneTexts = new Set(
    loadQuoraPairs()
      .slice(0, Math.floor(loadQuoraPairs().length / 2))
      .flatMap((pair) => [pair.textA, pair.textB]),
  );
  const unseen = scoredTest.filter((pair) => !tuneTexts.has(pair.textA) && !tuneTexts.has(pair.textB));
  const unseenPoint = sweep({
    pairs: unseen,
    setting: defaultSetting,
    thresholds: [DEFAULT_THRESHOLD],
  })[0] as OperatingPoint;
  lines.push(
    '',
    `Default point on the ${unseen.length} test pairs whose questions never occur in the tune half: precision ${format(unseenPoint.precision)}, recall ${format(unseenPoint.recall)} (${unseenPoint.wrongHits} wrong of ${unseenPoint.hits} hits).`,
  );
}
const defaultTestPoint = pointOf(testSweeps, defaultSetting.name, DEFAULT_THRESHOLD);
const defaultError = standardError(defaultTestPoint);
lines.push(
  '',
  `Default point on the whole test part: precision ${format(defaultTestPoint.precision)} ± ${format(defaultError)} (one standard error, ${defaultTestPoint.hits} hits).`,
);
lines.push('', '## Replayed through SemanticCache (top-4 retrieval, verifier, one scope)', '');
lines.push(
  '| point | threshold | mock: precision / recall / hit rate | Quora test: precision / recall / hit rate | Quora hits with no label | lookup ms (mean, no embedding) |',
);
lines.push('| --- | --- | --- | --- | --- | --- |');
for (const simulation of simulations) {
  const { mock: m, quora: q } = simulation;
  lines.push(
    `| ${simulation.name} | ${simulation.threshold} | ${format(m.precision)} / ${format(m.recall)} / ${format(m.hitRate)} | ${format(q.precision)} / ${format(q.recall)} / ${format(q.hitRate)} | ${q.unknownHits} | ${q.meanLookupMs.toFixed(3)} |`,
  );
}
const defaultPoint = pointOf(testSweeps, defaultSetting.name, DEFAULT_THRESHOLD);
lines.push(
  '',
  `Quality bar (precision ≥ ${PRECISION_BAR} on the Quora test part at the default point): ${defaultPoint.precision >= PRECISION_BAR ? 'met' : 'NOT met'} — precision ${format(defaultPoint.precision)} at recall ${format(defaultPoint.recall)}.`,
);
const report = lines.join('\n');
console.log(report);

const resultsDirectory = join(PROJECT_ROOT, 'bench', 'results');
mkdirSync(resultsDirectory, { recursive: true });
const stem = split === 'grouped' ? 'cache-eval' : 'cache-eval-halves';
writeFileSync(join(resultsDirectory, `${stem}.md`), `${report}\n`);
const toObject = (table: Map<string, OperatingPoint[]>) => Object.fromEntries(table);
writeFileSync(
  join(resultsDirectory, `${stem}.json`),
  `${JSON.stringify({ split, perSplit: full ? 'all' : available ? 'available' : perSplit, minProbability: classifier.minProbability, tune: toObject(tuneSweeps), test: toObject(testSweeps), testByProbability: testProbabilitySweep, mock: toObject(mockSweeps), simulations }, null, 2)}\n`,
);
const colors = ['#888', '#1f77b4', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#d62728', '#000'];
const defaultMarker = { x: defaultPoint.recall, y: defaultPoint.precision, label: `default (${DEFAULT_THRESHOLD})` };
writeFileSync(
  join(resultsDirectory, `${stem}.svg`),
  renderPrChart([
    {
      title: `Quora pairs (test part, ${split} split): precision vs recall`,
      xLabel: 'recall (duplicates served)',
      yLabel: 'precision (right answers / hits)',
      xRange: [0, 0.9],
      yRange: [0.5, 1],
      reference: { y: PRECISION_BAR, label: `bar ${PRECISION_BAR}` },
      marker: defaultMarker,
      series: [
        ...settings.map((setting, index) => ({
          name: `${setting.name}, by similarity`,
          color: colors[index] ?? '#000',
          points: (testSweeps.get(setting.name) ?? []).map((point) => ({
            x: point.recall,
            y: point.precision,
            label: `threshold ${point.threshold}`,
          })),
        })),
        {
          name: `learned verifier at ${DEFAULT_THRESHOLD}, by least probability`,
          color: colors[settings.length] ?? '#000',
          points: testProbabilitySweep.map((point) => ({
            x: point.recall,
            y: point.precision,
            label: `p ≥ ${point.threshold}`,
          })),
        },
      ],
    },
    {
      title: 'GPTCache mock paraphrases: recall vs threshold',
      xLabel: 'similarity threshold',
      yLabel: 'recall (paraphrases served)',
      xRange: [0.8, 0.98],
      yRange: [0, 1],
      series: settings.map((setting, index) => ({
        name: setting.name,
        color: colors[index] ?? '#000',
        points: (mockSweeps.get(setting.name) ?? []).map((point) => ({ x: point.threshold, y: point.recall })),
      })),
    },
  ]),
);
console.error(`wrote bench/results/${stem}.md, ${stem}.json, ${stem}.svg`);
