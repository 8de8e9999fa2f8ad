import type { LedgerReader } from '../ledger/ledger-store.js';
import { buildLedgerWhere, type LedgerFilters } from './ledger-filters.js';
import { DIMENSION_SQL, queryUsage, type UsageDimension } from './query-usage.js';
import { readUsageSums, toUsageTotals, USAGE_AGGREGATES_SQL, type UsageTotals } from './usage-totals.js';

const BUCKET_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/** A time series query. */
export interface TimeSeriesQuery {
  /** Start of the range, ms since the epoch, inclusive. */
  from: number;
  /** End of the range, ms since the epoch, exclusive. */
  to: number;
  /** Bucket width; buckets start on UTC hour or day boundaries. */
  bucket: 'hour' | 'day';
  /** One series per value of this dimension; omitted for a single series of totals. */
  by?: Exclude<UsageDimension, 'day'>;
  /** Narrow to some requests. */
  filters?: LedgerFilters;
}

/** One bucket of one series. */
export interface TimeSeriesPoint extends UsageTotals {
  /** Start of the bucket, ms since the epoch (UTC). */
  bucketStart: number;
  /** The series: the dimension's value (null where requests had none), or null without `by`. */
  series: string | null;
}

/**
 * Spend and traffic per hour or day, one series per tenant, feature, model, … . Only buckets with
 * requests are returned, ordered by time and then series.
 */
export async function timeSeries(reader: LedgerReader, query: TimeSeriesQuery): Promise<TimeSeriesPoint[]> {
  const width = BUCKET_MS[query.bucket];
  if (width === undefined) throw new Error(`Unknown bucket "${query.bucket}": use hour or day`);
  let points: TimeSeriesPoint[];
  if (query.bucket === 'day') {
    // Daily buckets are a usage report grouped by day, which reads whole days from the rollup.
    const report = await queryUsage(reader, {
      from: query.from,
      to: query.to,
      groupBy: query.by === undefined ? ['day'] : ['day', query.by],
      ...(query.filters === undefined ? {} : { filters: query.filters }),
    });
    points = report.rows.map(({ group, ...totals }) => ({
      bucketStart: Date.parse(`${group.day}T00:00:00Z`),
      series: query.by === undefined ? null : (group[query.by] ?? null),
      ...totals,
    }));
  } else {
    const seriesSql = query.by === undefined ? 'NULL' : DIMENSION_SQL[query.by].requests;
    const where = buildLedgerWhere({ from: query.from, to: query.to, filters: query.filters });
    const rows = await reader.all(
      `SELECT (started_at / ${width}) * ${width} AS bucket_start, ${seriesSql} AS series, ${USAGE_AGGREGATES_SQL}
FROM ledger_requests ${where.sql} GROUP BY 1, 2`,
      where.params,
    );
    points = rows.map((row) => ({
      bucketStart: Number(row.bucket_start),
      series: row.series === null || row.series === undefined ? null : String(row.series),
      ...toUsageTotals(readUsageSums(row)),
    }));
  }
  // Sorted here, not in SQL: the dialects disagree on where NULL sorts.
  return points.sort(
    (left, right) => left.bucketStart - right.bucketStart || (left.series ?? '').localeCompare(right.series ?? ''),
  );
}
