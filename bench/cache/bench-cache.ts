// npm run bench:cache [-- --max 1000000]
// Lookup latency of the semantic cache's index at 10k / 100k / 1M entries (HNSW vs brute force, with
// recall@1 of HNSW against exact search), full SemanticCache lookups, and the local embedder's latency.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import usearch from 'usearch';
import { createLocalEmbedder } from '../../src/cache/embedders/create-local-embedder.js';
import { SemanticCache } from '../../src/cache/semantic/semantic-cache.js';
import { VectorIndex } from '../../src/cache/semantic/vector-index.js';
import { createSeededRandom, loadMockPairs, PROJECT_ROOT } from './load-cache-data.js';

const args = process.argv.slice(2);
const maxArgument = args.indexOf('--max');
const maxEntries = maxArgument >= 0 ? Number(args[maxArgument + 1]) : 1_000_000;
const DIMENSIONS = 512;
const random = createSeededRandom(42);

function gaussian(): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function normalizeInPlace(vector: Float32Array): Float32Array {
  let length = 0;
  for (const value of vector) length += value * value;
  length = Math.sqrt(length);
  for (let index = 0; index < vector.length; index++) vector[index] = (vector[index] as number) / length;
  return vector;
}

function randomUnit(): Float32Array {
  const vector = new Float32Array(DIMENSIONS);
  for (let index = 0; index < DIMENSIONS; index++) vector[index] = gaussian();
  return normalizeInPlace(vector);
}

/** A paraphrase-like query: the source vector plus noise, at cosine ≈ `similarity` to it. */
function perturb(source: Float32Array, similarity: number): Float32Array {
  const noise = randomUnit();
  const noiseWeight = Math.sqrt(1 - similarity * similarity);
  const vector = new Float32Array(DIMENSIONS);
  for (let index = 0; index < DIMENSIONS; index++) {
    vector[index] = similarity * (source[index] as number) + noiseWeight * (noise[index] as number);
  }
  return normalizeInPlace(vector);
}

function percentile(samples: number[], share: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

function time<T>(run: () => T): { result: T; ms: number } {
  const started = performance.now();
  const result = run();
  return { result, ms: performance.now() - started };
}

const lines: string[] = ['# Semantic cache benchmark', ''];
const log = (...lineList: string[]) => {
  for (const line of lineList) {
    console.log(line);
    lines.push(line);
  }
};

// 1. Embedding latency of the local model.
{
  const loaded = await (async () => {
    const started = performance.now();
    const embedder = await createLocalEmbedder();
    return { embedder, ms: performance.now() - started };
  })();
  const texts = loadMockPairs()
    .slice(0, 160)
    .map((pair) => pair.similar);
  await loaded.embedder.embed(texts.slice(0, 8)); // warm-up
  const single: number[] = [];
  for (const text of texts.slice(0, 100)) {
    const started = performance.now();
    await loaded.embedder.embed([text]);
    single.push(performance.now() - started);
  }
  const batchStarted = performance.now();
  await loaded.embedder.embed(texts);
  const batchedPerText = (performance.now() - batchStarted) / texts.length;
  log('## Local embedder (Universal Sentence Encoder Lite, WASM, in-process)', '');
  log(`- model load: ${loaded.ms.toFixed(0)} ms`);
  log(
    `- one text per call: p50 ${percentile(single, 0.5).toFixed(1)} ms, p99 ${percentile(single, 0.99).toFixed(1)} ms`,
  );
  log(`- batches of 32: ${batchedPerText.toFixed(1)} ms per text`);
  log('');
}

const resultsDirectory = join(PROJECT_ROOT, 'bench', 'results');
mkdirSync(resultsDirectory, { recursive: true });
/** Writes what is measured so far, so a long run leaves its early sections even if stopped. */
function saveResults(): void {
  writeFileSync(join(resultsDirectory, 'cache-bench.md'), `${lines.join('\n')}\n`);
}

async function measureIndex(size: number): Promise<void> {
  const matrix = new Float32Array(size * DIMENSIONS);
  for (let row = 0; row < size; row++) matrix.set(randomUnit(), row * DIMENSIONS);
  const index = new VectorIndex({ dimensions: DIMENSIONS, exactUpTo: 0 });
  const build = time(() => {
    const chunk = 50_000;
    for (let start = 0; start < size; start += chunk) {
      const entries = [];
      for (let row = start; row < Math.min(size, start + chunk); row++) {
        entries.push({ key: row, vector: matrix.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS) });
      }
      index.addBatch(entries);
    }
  });
  const queryCount = 2000;
  const queries = Array.from({ length: queryCount }, () => {
    const row = Math.floor(random() * size);
    return perturb(matrix.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS), 0.9);
  });
  for (const query of queries.slice(0, 100)) index.search(query, 4); // warm-up
  const annTimes: number[] = [];
  const annTop: number[] = [];
  for (const query of queries) {
    const { result, ms } = time(() => index.search(query, 4));
    annTimes.push(ms);
    annTop.push(result[0]?.key ?? -1);
  }
  // Brute force: usearch's native SIMD exact search (JS loops are ~3x slower); fewer queries when huge.
  const exactCount = size >= 1_000_000 ? 100 : size >= 100_000 ? 300 : 1000;
  const exactTimes: number[] = [];
  let agree = 0;
  for (let position = 0; position < exactCount; position++) {
    const query = queries[position] as Float32Array;
    const { result, ms } = time(() => usearch.exactSearch(matrix, query, DIMENSIONS, 1, usearch.MetricKind.IP));
    exactTimes.push(ms);
    if (Number(result.keys[0]) === annTop[position]) agree++;
  }
  log(
    `| ${size.toLocaleString('en')} | ${(build.ms / 1000).toFixed(1)} | ${percentile(annTimes, 0.5).toFixed(3)} / ${percentile(annTimes, 0.99).toFixed(3)} | ${(agree / exactCount).toFixed(3)} (${exactCount} queries) | ${percentile(exactTimes, 0.5).toFixed(2)} / ${percentile(exactTimes, 0.99).toFixed(2)} | usearch exactSearch |`,
  );
  if (size === 10_000) {
    const jsExact = new VectorIndex({ dimensions: DIMENSIONS, exactUpTo: size });
    for (let row = 0; row < size; row++) jsExact.add(row, matrix.subarray(row * DIMENSIONS, (row + 1) * DIMENSIONS));
    const jsTimes = queries.slice(0, 300).map((query) => time(() => jsExact.search(query, 4)).ms);
    log(
      `| 10,000 | — | — | — | ${percentile(jsTimes, 0.5).toFixed(2)} / ${percentile(jsTimes, 0.99).toFixed(2)} | VectorIndex exact mode (JS) |`,
    );
  }
}

saveResults();

// 2. Index lookups on random unit vectors.
log('## Index lookups (512-d random unit vectors; queries are noisy copies of stored vectors at cosine ≈ 0.9)', '');
log(
  '| entries | build HNSW (s) | HNSW p50 / p99 (ms) | recall@1 HNSW vs exact | brute force p50 / p99 (ms) | brute force kind |',
);
log('| --- | --- | --- | --- | --- | --- |');
for (const size of [10_000, 100_000].filter((size) => size <= maxEntries)) {
  await measureIndex(size);
  saveResults();
}
log('');

// 3. Full SemanticCache lookups (scope key, HNSW, threshold, verifier, value fetch); vectors given, so no embedding.
log('## SemanticCache.lookup end to end (memory store, vector given: no embedding)', '');
log('| entries | lookup p50 / p99 (ms) | hit rate |');
log('| --- | --- | --- |');
for (const size of [10_000, 100_000].filter((size) => size <= maxEntries)) {
  const cache = new SemanticCache<string>({
    embedder: { id: 'bench', dimensions: DIMENSIONS, embed: async () => [] },
    maxEntries: size,
  });
  const scope = { tenant: 'bench', modelTier: 'fast' };
  const stored: { text: string; vector: Float32Array }[] = [];
  for (let row = 0; row < size; row++) {
    const entry = { text: `question number ${row} about topic ${row % 97}`, vector: randomUnit() };
    stored.push(entry);
    await cache.store({ scope, text: entry.text, value: `answer ${row}`, vector: entry.vector });
  }
  const times: number[] = [];
  let hits = 0;
  for (let round = 0; round < 2000; round++) {
    const source = stored[Math.floor(random() * size)] as { text: string; vector: Float32Array };
    const started = performance.now();
    const result = await cache.lookup({ scope, text: source.text, vector: perturb(source.vector, 0.95) });
    times.push(performance.now() - started);
    if (result.hit) hits++;
  }
  log(
    `| ${size.toLocaleString('en')} | ${percentile(times, 0.5).toFixed(3)} / ${percentile(times, 0.99).toFixed(3)} | ${(hits / 2000).toFixed(3)} |`,
  );
}
log('');
saveResults();

// 4. The 1M case last: building its graph is the slowest step (single-digit minutes to half an hour, by core count).
if (maxEntries >= 1_000_000) {
  log('## Index lookups at 1M entries (same setup as above)', '');
  log(
    '| entries | build HNSW (s) | HNSW p50 / p99 (ms) | recall@1 HNSW vs exact | brute force p50 / p99 (ms) | brute force kind |',
  );
  log('| --- | --- | --- | --- | --- | --- |');
  await measureIndex(1_000_000);
  saveResults();
}
console.error('wrote bench/results/cache-bench.md');
