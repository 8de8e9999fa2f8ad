import usearch from 'usearch';
import { VectorIndex, type VectorIndexOptions } from '../../src/cache/semantic/vector-index.js';
import type { VectorSet } from './realistic-vectors.js';

/** Percentile of a sample (nearest rank). */
export function percentile(samples: readonly number[], share: number): number {
  const sorted = [...samples].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

/** One index measured at one size. */
export interface IndexMeasurement {
  size: number;
  settings: string;
  buildSeconds: number;
  /** CPU time of the build, all threads: less sensitive than wall time to other work on the machine. */
  buildCpuSeconds: number;
  annP50: number;
  annP99: number;
  /** CPU time per search (this process), p50 / p99: the search without time spent descheduled. */
  annCpuP50: number;
  annCpuP99: number;
  /** Share of queries whose ANN top-1 is the exact top-1. */
  recallAt1: number;
  recallQueries: number;
  bruteP50: number;
  bruteP99: number;
  /** Resident memory growth while building, MB (rough: the garbage collector runs when it likes). */
  memoryMb: number;
}

/** Describes index settings in a table cell. */
export function describeSettings(settings: Omit<VectorIndexOptions, 'dimensions'>): string {
  return `M=${settings.connectivity} ef_add=${settings.expansionAdd} ef=${settings.expansionSearch} ${settings.quantization}`;
}

/**
 * Builds a production {@link VectorIndex} over `vectors` with one multi-threaded batch insertion
 * per 100k rows (how a restart or a Redis resync fills it), then times top-4 searches of held-out
 * real queries against usearch's native single-threaded exact search over the same matrix.
 */
export function measureIndex(options: {
  vectors: VectorSet;
  settings: Required<Omit<VectorIndexOptions, 'dimensions' | 'exactUpTo'>>;
  bruteQueries: number;
}): IndexMeasurement {
  const { vectors, settings } = options;
  const { dimensions, matrix, size } = vectors;
  const memoryBefore = process.memoryUsage().rss;
  const index = new VectorIndex({ dimensions, exactUpTo: 0, ...settings });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const chunk = 100_000;
  for (let start = 0; start < size; start += chunk) {
    const entries = [];
    for (let row = start; row < Math.min(size, start + chunk); row++) {
      entries.push({ key: row, vector: matrix.subarray(row * dimensions, (row + 1) * dimensions) });
    }
    index.addBatch(entries);
  }
  const buildSeconds = (performance.now() - started) / 1000;
  const buildCpu = process.cpuUsage(cpuStarted);
  const buildCpuSeconds = (buildCpu.user + buildCpu.system) / 1e6;
  const memoryMb = (process.memoryUsage().rss - memoryBefore) / 1e6;
  for (const query of vectors.queries.slice(0, 100)) index.search(query, 4);
  const annTimes: number[] = [];
  const annCpu: number[] = [];
  const annTop: number[] = [];
  for (const query of vectors.queries) {
    const cpuBegun = process.cpuUsage();
    const begun = performance.now();
    const found = index.search(query, 4);
    annTimes.push(performance.now() - begun);
    const cpu = process.cpuUsage(cpuBegun);
    annCpu.push((cpu.user + cpu.system) / 1000);
    annTop.push(found[0]?.key ?? -1);
  }
  const bruteTimes: number[] = [];
  let agree = 0;
  const bruteQueries = Math.min(options.bruteQueries, vectors.queries.length);
  for (let position = 0; position < bruteQueries; position++) {
    const query = vectors.queries[position] as Float32Array;
    const begun = performance.now();
    const exact = usearch.exactSearch(matrix, query, dimensions, 1, usearch.MetricKind.IP, 1);
    bruteTimes.push(performance.now() - begun);
    if (Number(exact.keys[0]) === annTop[position]) agree++;
  }
  return {
    size,
    settings: describeSettings(settings),
    buildSeconds,
    buildCpuSeconds,
    annP50: percentile(annTimes, 0.5),
    annP99: percentile(annTimes, 0.99),
    annCpuP50: percentile(annCpu, 0.5),
    annCpuP99: percentile(annCpu, 0.99),
    recallAt1: agree / bruteQueries,
    recallQueries: bruteQueries,
    bruteP50: percentile(bruteTimes, 0.5),
    bruteP99: percentile(bruteTimes, 0.99),
    memoryMb,
  };
}

/** The exact search of {@link VectorIndex} below `exactUpTo` (a JS loop), timed on the same queries. */
export function measureJsExact(vectors: VectorSet, queryCount: number): { p50: number; p99: number } {
  const { dimensions, matrix, size } = vectors;
  const index = new VectorIndex({ dimensions, exactUpTo: size });
  for (let row = 0; row < size; row++) index.add(row, matrix.subarray(row * dimensions, (row + 1) * dimensions));
  const times = vectors.queries.slice(0, queryCount).map((query) => {
    const begun = performance.now();
    index.search(query, 4);
    return performance.now() - begun;
  });
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}
