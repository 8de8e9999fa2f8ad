import type { TimeSeriesResponse } from './api-types.js';
import { PALETTE, renderShareLines, renderStackedBars, type StackedSeries } from './charts.js';
import { h, replaceChildren } from './dom.js';
import { formatUsd } from './format.js';

/** Series drawn separately in the spend chart; the rest are stacked as `other`. */
const TOP_SERIES = 8;
const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** Every bucket start in the range, so that empty buckets show as empty rather than vanish. */
function bucketStarts(response: TimeSeriesResponse): number[] {
  const width = BUCKET_MS[response.bucket];
  const starts: number[] = [];
  const end = Date.parse(response.to);
  for (let start = Math.floor(Date.parse(response.from) / width) * width; start < end; start += width)
    starts.push(start);
  return starts;
}

function empty(container: HTMLElement): boolean {
  replaceChildren(container, h('p', { class: 'empty' }, 'No requests in this range.'));
  return true;
}

/** Spend per bucket, stacked by the response's series dimension (top series, then `other`). */
export function renderSpendChart(container: HTMLElement, response: TimeSeriesResponse): void {
  if (response.points.length === 0 && empty(container)) return;
  const starts = bucketStarts(response);
  const index = new Map(starts.map((start, position) => [start, position]));
  const totals = new Map<string, number>();
  for (const point of response.points) {
    const name = point.series ?? '(none)';
    totals.set(name, (totals.get(name) ?? 0) + point.costUsd);
  }
  const ranked = [...totals.entries()].sort((left, right) => right[1] - left[1]).map(([name]) => name);
  const shown = ranked.length > TOP_SERIES ? ranked.slice(0, TOP_SERIES - 1) : ranked;
  const series: StackedSeries[] = shown.map((label, position) => ({
    label,
    color: PALETTE[position % PALETTE.length] as string,
    values: starts.map(() => 0),
  }));
  const other: StackedSeries = { label: 'other', color: '#9aa3af', values: starts.map(() => 0) };
  const byName = new Map(series.map((item) => [item.label, item]));
  for (const point of response.points) {
    const target = byName.get(point.series ?? '(none)') ?? other;
    const position = index.get(point.bucketStart);
    if (position !== undefined) target.values[position] = (target.values[position] ?? 0) + point.costUsd;
  }
  if (ranked.length > shown.length) series.push(other);
  renderStackedBars({
    container,
    x: starts.map((start) => start / 1000),
    bucketMs: BUCKET_MS[response.bucket],
    series,
    format: formatUsd,
  });
}

/** Sums of one bucket over every series. */
interface BucketSums {
  requests: number;
  cacheHits: number;
  uncachedInputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

/** Buckets summed over all series: one query per refresh serves both the stacked and the total charts. */
function sumBuckets(response: TimeSeriesResponse): Map<number, BucketSums> {
  const sums = new Map<number, BucketSums>();
  for (const point of response.points) {
    const sum = sums.get(point.bucketStart) ?? {
      requests: 0,
      cacheHits: 0,
      uncachedInputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    sum.requests += point.requests;
    sum.cacheHits += point.cacheHits;
    sum.uncachedInputTokens += point.uncachedInputTokens;
    sum.cacheReadInputTokens += point.cacheReadInputTokens;
    sum.cacheWriteInputTokens += point.cacheWriteInputTokens;
    sums.set(point.bucketStart, sum);
  }
  return sums;
}

/** The gateway's cache hit rate and the providers' prefix-cache share of input tokens, per bucket. */
export function renderCacheChart(container: HTMLElement, response: TimeSeriesResponse): void {
  if (response.points.length === 0 && empty(container)) return;
  const starts = bucketStarts(response);
  const byBucket = sumBuckets(response);
  const hits = starts.map((start) => {
    const point = byBucket.get(start);
    return point && point.requests > 0 ? point.cacheHits / point.requests : null;
  });
  const prefix = starts.map((start) => {
    const point = byBucket.get(start);
    if (!point) return null;
    const input = point.uncachedInputTokens + point.cacheReadInputTokens + point.cacheWriteInputTokens;
    return input > 0 ? point.cacheReadInputTokens / input : null;
  });
  renderShareLines({
    container,
    x: starts.map((start) => start / 1000),
    bucketMs: BUCKET_MS[response.bucket],
    series: [
      { label: 'gateway cache hits (share of requests)', color: '#009E73', values: hits },
      { label: 'provider prefix cache (share of input tokens)', color: '#CC79A7', values: prefix },
    ],
  });
}
