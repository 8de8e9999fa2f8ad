import type { LedgerReader } from '../ledger/ledger-store.js';
import { buildLedgerWhere, type LedgerFilters } from './ledger-filters.js';
import {
  addUsageSums,
  emptyUsageSums,
  readUsageSums,
  toUsageTotals,
  USAGE_AGGREGATES_SQL,
  type UsageSums,
  type UsageTotals,
} from './usage-totals.js';

/** What usage can be grouped by. */
export const USAGE_DIMENSIONS = [
  'tenant',
  'feature',
  'key',
  'provider',
  'model',
  'route',
  'cache',
  'day',
  'tier',
] as const;
/** One grouping of {@link queryUsage}. */
export type UsageDimension = (typeof USAGE_DIMENSIONS)[number];

const DAY_MS = 86_400_000;

/** The SQL expression behind each dimension; `day` is a UTC day start in ms (integer division in both dialects). */
export const DIMENSION_SQL: Record<UsageDimension, string> = {
  tenant: 'tenant',
  feature: 'feature',
  key: 'key_id',
  provider: 'provider',
  model: 'model',
  route: 'route_rule',
  cache: 'cache_status',
  day: `(started_at / ${DAY_MS}) * ${DAY_MS}`,
  tier: 'tier',
};

/** A usage query. */
export interface UsageQuery {
  /** Start of the range, ms since the epoch, inclusive. */
  from: number;
  /** End of the range, ms since the epoch, exclusive. */
  to: number;
  /** Dimensions to group by, in column order; empty for one total row. */
  groupBy: readonly UsageDimension[];
  /** Narrow to some requests. */
  filters?: LedgerFilters;
  /**
   * Scan the range in this many time slices (default 1), reporting progress after each; each
   * slice is one indexed GROUP BY query and slices merge exactly because every figure is a sum.
   */
  slices?: number;
  /** Called with the share of the range scanned (0–1] after each slice. */
  onProgress?: (done: number) => void;
}

/** One group of a usage report. */
export interface UsageRow extends UsageTotals {
  /** The group's value per dimension (`day` as `YYYY-MM-DD`, UTC); null where the request had none. */
  group: Partial<Record<UsageDimension, string | null>>;
}

/** A usage report: the groups and their grand total. */
export interface UsageReport {
  /** Start of the range, ms since the epoch, inclusive. */
  from: number;
  /** End of the range, ms since the epoch, exclusive. */
  to: number;
  /** The dimensions grouped by, in column order. */
  groupBy: UsageDimension[];
  /** Groups, chronological when grouped by day, then by cost (highest first). */
  rows: UsageRow[];
  /** Every request in range and filter. */
  totals: UsageTotals;
}

function readGroupValue(dimension: UsageDimension, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (dimension === 'day') return new Date(Number(value)).toISOString().slice(0, 10);
  return String(value);
}

function compareRows(groupBy: readonly UsageDimension[]) {
  return (left: UsageRow, right: UsageRow): number => {
    if (groupBy.includes('day')) {
      const byDay = (left.group.day ?? '').localeCompare(right.group.day ?? '');
      if (byDay !== 0) return byDay;
    }
    if (left.costUsd !== right.costUsd) return right.costUsd - left.costUsd;
    if (left.requests !== right.requests) return right.requests - left.requests;
    for (const dimension of groupBy) {
      const order = (left.group[dimension] ?? '').localeCompare(right.group[dimension] ?? '');
      if (order !== 0) return order;
    }
    return 0;
  };
}

/** Spend and tokens over a time range, grouped and aggregated in SQL. */
export async function queryUsage(reader: LedgerReader, query: UsageQuery): Promise<UsageReport> {
  const groupBy = [...new Set(query.groupBy)];
  for (const dimension of groupBy) {
    if (!USAGE_DIMENSIONS.includes(dimension)) throw new Error(`Unknown usage dimension "${dimension}"`);
  }
  const select = groupBy.map((dimension, index) => `${DIMENSION_SQL[dimension]} AS g${index}`);
  const groupClause = groupBy.length === 0 ? '' : `GROUP BY ${groupBy.map((_, index) => index + 1).join(', ')}`;
  const slices = Math.max(1, Math.floor(query.slices ?? 1));
  const span = Math.max(0, query.to - query.from);
  const groups = new Map<string, { group: UsageRow['group']; sums: UsageSums }>();
  for (let slice = 0; slice < slices; slice += 1) {
    const sliceFrom = query.from + Math.floor((span * slice) / slices);
    const sliceTo = slice === slices - 1 ? query.to : query.from + Math.floor((span * (slice + 1)) / slices);
    const where = buildLedgerWhere({ from: sliceFrom, to: sliceTo, filters: query.filters });
    const sql = `SELECT ${[...select, USAGE_AGGREGATES_SQL].join(', ')} FROM ledger_requests ${where.sql} ${groupClause}`;
    for (const row of await reader.all(sql, where.params)) {
      const group: UsageRow['group'] = {};
      groupBy.forEach((dimension, index) => {
        group[dimension] = readGroupValue(dimension, row[`g${index}`]);
      });
      const sums = readUsageSums(row);
      // An aggregate over no rows still returns one row (COUNT 0) when there is no GROUP BY.
      if (sums.requests === 0) continue;
      const key = JSON.stringify(groupBy.map((dimension) => group[dimension] ?? null));
      const existing = groups.get(key);
      if (existing) addUsageSums(existing.sums, sums);
      else groups.set(key, { group, sums });
    }
    query.onProgress?.((slice + 1) / slices);
  }
  const totals = emptyUsageSums();
  const rows: UsageRow[] = [];
  for (const { group, sums } of groups.values()) {
    addUsageSums(totals, sums);
    rows.push({ group, ...toUsageTotals(sums) });
  }
  rows.sort(compareRows(groupBy));
  return { from: query.from, to: query.to, groupBy, rows, totals: toUsageTotals(totals) };
}
