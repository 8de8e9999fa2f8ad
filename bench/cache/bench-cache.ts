// npm run bench:cache [-- --max 1000000] [--min 0] [--compare] [--samples 200] [--sections embedder,gateway,index,lookup]
//   [--expansion-search N]  (index settings other than the defaults, for a side-by-side row)
// The semantic cache's costs: the local embedder's latency, the gateway's added latency on a miss and
// on a hit against a direct call to an instant mock, and ANN lookups at 10k / 100k / 1M entries
// (HNSW vs brute force, recall@1) on real sentence embeddings. Needs the embeddings that
// `npm run eval:cache` leaves in bench/results/ (real questions, not random vectors).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createLocalEmbedder, type LocalEmbedderOptions } from '../../src/cache/embedders/create-local-embedder.js';
import { SemanticCache } from '../../src/cache/semantic/semantic-cache.js';
import { DEFAULT_GRAPH_SETTINGS } from '../../src/cache/semantic/vector-index.js';
import { loadMockPairs, PROJECT_ROOT } from './load-cache-data.js';
import { measureGatewayLatency } from './measure-gateway-latency.js';
import { type IndexMeasurement, measureIndex, measureJsExact, percentile } from './measure-index.js';
import { createRealisticVectors, loadRealEmbeddings } from './realistic-vectors.js';

const args = process.argv.slice(2);
const numberArgument = (name: string, fallback: number) => {
  const position = args.indexOf(name);
  return position >= 0 ? Number(args[position + 1]) : fallback;
};
const maxEntries = numberArgument('--max', 1_000_000);
const minEntries = numberArgument('--min', 0);
const expansionSearch = numberArgument('--expansion-search', DEFAULT_GRAPH_SETTINGS.expansionSearch);
const samples = numberArgument('--samples', 200);
const compare = args.includes('--compare');
const ALL_SECTIONS = ['embedder', 'gateway', 'index', 'lookup'];
const sectionsArgument = args.indexOf('--sections');
const sections = new Set(sectionsArgument >= 0 ? (args[sectionsArgument + 1] ?? '').split(',') : ALL_SECTIONS);
// A partial run writes its own file, so that it never replaces the sections it did not run.
const resultsFile =
  sections.size === ALL_SECTIONS.length ? 'cache-bench.md' : `cache-bench-${[...sections].join('-')}.md`;
const QUERIES = 1000;

const lines: string[] = [];
const log = (...lineList: string[]) => {
  for (const line of lineList) {
    console.log(line);
    lines.push(line);
  }
};
const resultsDirectory = join(PROJECT_ROOT, 'bench', 'results');
mkdirSync(resultsDirectory, { recursive: true });
/** Writes what is measured so far, so that a long run leaves its early sections even if stopped. */
const save = () => writeFileSync(join(resultsDirectory, resultsFile), `${lines.join('\n')}\n`);
const fixed = (value: number, digits = 3) => value.toFixed(digits);

log(
  '# Semantic cache benchmark',
  '',
  `\`npm run bench:cache -- ${args.join(' ')}\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores shared with other work (load average at start ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ')}): percentiles include that noise.`,
  '',
);

// 1. The local embedder, on each runtime: the same model and vectors, computed by ONNX Runtime's native
// kernels (the default) or by the TensorFlow.js WASM graph.
if (sections.has('embedder')) {
  const texts = loadMockPairs()
    .slice(0, 96)
    .map((pair) => pair.similar);
  const rows: string[] = [];
  const measure = async (label: string, options: LocalEmbedderOptions) => {
    const started = performance.now();
    const embedder = await createLocalEmbedder(options);
    const loadMs = performance.now() - started;
    await embedder.embed(texts.slice(0, 8));
    const single: number[] = [];
    const cpuBefore = process.cpuUsage();
    for (const text of texts.slice(0, 50)) {
      const begun = performance.now();
      await embedder.embed([text]);
      single.push(performance.now() - begun);
    }
    const cpu = process.cpuUsage(cpuBefore);
    const cpuPerText = (cpu.user + cpu.system) / 1000 / 50;
    const batchStarted = performance.now();
    await embedder.embed(texts.slice(0, 64));
    const batched = (performance.now() - batchStarted) / 64;
    rows.push(
      `| ${label} | ${loadMs.toFixed(0)} | ${fixed(percentile(single, 0.5), 1)} / ${fixed(percentile(single, 0.99), 1)} | ${fixed(cpuPerText, 1)} | ${fixed(batched, 1)} |`,
    );
    return percentile(single, 0.5);
  };
  const onnx = await measure('ONNX Runtime (default), this thread', { thread: 'main' });
  await measure('ONNX Runtime, worker thread (as the gateway runs it)', {});
  const tfjs = await measure('TensorFlow.js WASM (SIMD), this thread', { thread: 'main', runtime: 'tfjs-wasm' });
  log(
    '## Local embedder (Universal Sentence Encoder Lite, in-process)',
    '',
    `GPTCache mock paraphrases (~30 tokens each). CPU is this process's, per call (on the worker row the worker's time counts too); one call at a time. ONNX Runtime vs TensorFlow.js, one text per call at p50: ${fixed(tfjs / onnx, 1)}× faster.`,
    '',
    '| runtime | model load (ms) | one text per call p50 / p99 (ms) | CPU per call (ms) | per text, 64 texts in one call (ms) |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  );
  save();
}

// 2. What the cache adds to a request, end to end through HTTP.
if (sections.has('gateway')) {
  const rows = await measureGatewayLatency({ samples });
  const direct = rows[0];
  log(
    `## Gateway latency with the cache on (${samples} sequential requests per row, 127.0.0.1, ledger off)`,
    '',
    '| path | p50 (ms) | p99 (ms) | p50 vs direct (ms) | CPU per request p50 (ms) | x-tollgate-cache |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (row) =>
        `| ${row.path} | ${fixed(row.p50, 2)} | ${fixed(row.p99, 2)} | ${row === direct || row.path.startsWith('…') ? '—' : `${row.p50 - (direct?.p50 ?? 0) >= 0 ? '+' : ''}${fixed(row.p50 - (direct?.p50 ?? 0), 2)}`} | ${row.cpuP50 === undefined ? '—' : fixed(row.cpuP50, 2)} | ${row.cacheStatus || '—'} |`,
    ),
    '',
    'CPU per request is this whole process (client, gateway, embedder thread, mock): what a request costs whatever else the machine runs, and near its wall time on an idle machine, where its steps run one after the other.',
    '',
  );
  const target = (direct?.p50 ?? 0) + 5;
  const cpuTarget = (direct?.cpuP50 ?? 0) + 5;
  const verdict = (path: string) => {
    const row = rows.find((candidate) => candidate.path.includes(path));
    if (row === undefined) return `${path}: not measured`;
    const cpu = row.cpuP50 ?? Number.NaN;
    return `${path} ${fixed(row.p50, 2)} ms, ${row.p50 < target ? 'met' : 'missed'} (in CPU ${fixed(cpu, 2)} ms vs ${fixed(cpuTarget, 2)}: ${cpu < cpuTarget ? 'met' : 'missed'})`;
  };
  log(
    `Target: a hit answered faster than a direct call plus 5 ms (${fixed(target, 2)} ms at p50; in CPU per request, direct + 5 = ${fixed(cpuTarget, 2)} ms): ${verdict('exact + semantic cache: exact hit')}; ${verdict('semantic hit')}.`,
    '',
  );
  save();
}

// 3. ANN lookups on real embeddings.
const real = sections.has('index') || sections.has('lookup') ? loadRealEmbeddings() : [];
if (sections.has('index')) {
  log(
    `## Index lookups (${real.length.toLocaleString('en')} real USE-lite embeddings of Quora and GPTCache questions, then synthetic neighbours of them; ${QUERIES} held-out real questions as queries, top-4)`,
    '',
    'Build: one multi-threaded usearch batch insertion per 100k rows (as after a restart or a Redis resync). Brute force: usearch `exactSearch`, native SIMD, one thread.',
    '',
    '| entries | real rows | settings | build wall / CPU (s) | ANN p50 / p99 (ms) | ANN CPU p50 / p99 (ms) | recall@1 vs exact | brute force p50 / p99 (ms) | memory while building (MB) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const row = (measured: IndexMeasurement, realRows: number) =>
    log(
      `| ${measured.size.toLocaleString('en')} | ${realRows.toLocaleString('en')} | ${measured.settings} | ${fixed(measured.buildSeconds, 1)} / ${fixed(measured.buildCpuSeconds, 1)} | ${fixed(measured.annP50)} / ${fixed(measured.annP99)} | ${fixed(measured.annCpuP50)} / ${fixed(measured.annCpuP99)} | ${fixed(measured.recallAt1)} (${measured.recallQueries} queries) | ${fixed(measured.bruteP50, 2)} / ${fixed(measured.bruteP99, 2)} | ${measured.memoryMb.toFixed(0)} |`,
    );
  const previousDefaults = { connectivity: 16, expansionAdd: 128, expansionSearch: 64, quantization: 'f32' } as const;
  let jsExact: { p50: number; p99: number } | undefined;
  const sizes = [10_000, 100_000, 1_000_000].filter((size) => size >= minEntries && size <= maxEntries);
  for (const size of sizes) {
    const vectors = createRealisticVectors({ size, queryCount: QUERIES, real });
    const bruteQueries = size >= 1_000_000 ? 200 : QUERIES;
    const settings = { ...DEFAULT_GRAPH_SETTINGS, expansionSearch };
    row(measureIndex({ vectors, settings, bruteQueries }), vectors.realRows);
    const previousDiffers = JSON.stringify(previousDefaults) !== JSON.stringify(DEFAULT_GRAPH_SETTINGS);
    if (compare && size === 100_000 && previousDiffers) {
      row(measureIndex({ vectors, settings: previousDefaults, bruteQueries }), vectors.realRows);
    }
    if (size === 10_000) jsExact = measureJsExact(vectors, 300);
    save();
  }
  log('');
  if (jsExact !== undefined) {
    log(
      `The index's own exact mode (a JS loop, used up to 256 entries per scope) over 10,000 entries: p50 ${fixed(jsExact.p50, 2)} / p99 ${fixed(jsExact.p99, 2)} ms.`,
      '',
    );
  }
}

// 4. A whole SemanticCache lookup (scope, ANN, threshold, verifier, value fetch), vector given.
if (sections.has('lookup')) {
  log(
    '## SemanticCache.lookup end to end (memory store, vector given: no embedding)',
    '',
    '| entries | lookup p50 / p99 (ms) |',
    '| --- | --- |',
  );
  for (const size of [10_000, 100_000].filter((size) => size >= minEntries && size <= maxEntries)) {
    const vectors = createRealisticVectors({ size, queryCount: QUERIES, real });
    const cache = new SemanticCache<string>({
      embedder: { id: 'bench', dimensions: vectors.dimensions, embed: async () => [] },
      maxEntries: size,
    });
    const scope = { tenant: 'bench', modelTier: 'fast' };
    for (let index = 0; index < size; index++) {
      const offset = index * vectors.dimensions;
      await cache.store({
        scope,
        text: `stored question number ${index}`,
        value: `answer ${index}`,
        vector: vectors.matrix.slice(offset, offset + vectors.dimensions),
      });
    }
    const times: number[] = [];
    for (const [position, vector] of vectors.queries.entries()) {
      const begun = performance.now();
      await cache.lookup({ scope, text: `asked question number ${position}`, vector });
      times.push(performance.now() - begun);
    }
    log(`| ${size.toLocaleString('en')} | ${fixed(percentile(times, 0.5))} / ${fixed(percentile(times, 0.99))} |`);
    await cache.close();
    save();
  }
  log('');
}
save();
console.error(`wrote bench/results/${resultsFile}`);
