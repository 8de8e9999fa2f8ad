import type { SqlValue } from '../ledger/ledger-columns.js';
import type { LedgerReader } from '../ledger/ledger-store.js';
import { ROLLUP_AGGREGATES_SQL, ROLLUP_TABLE } from '../ledger/usage-rollup.js';
import { buildLedgerWhere, type LedgerFilters, type UsageSource } from './ledger-filters.js';
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

/**
 * The SQL expression behind each dimension, over `ledger_requests` and over the daily rollup
 * (which stores "not set" as ''); `day` is a UTC day start in ms (integer division in both dialects).
 */
export const DIMENSION_SQL: Record<UsageDimension, Record<UsageSource, string>> = {
  tenant: { requests: 'tenant', rollup: 'tenant' },
  feature: { requests: 'feature', rollup: 'feature' },
  key: { requests: 'key_id', rollup: "NULLIF(key_id, '')" },
  provider: { requests: 'provider', rollup: "NULLIF(provider, '')" },
  model: { requests: 'model', rollup: "NULLIF(model, '')" },
  route: { requests: 'route_rule', rollup: 'route_rule' },
  cache: { requests: 'cache_status', rollup: 'cache_status' },
  day: { requests: `(started_at / ${DAY_MS}) * ${DAY_MS}`, rollup: 'day' },
  tier: { requests: 'tier', rollup: "NULLIF(tier, '')" },
};

/** One query of a usage scan: a time range read from one table. */
interface ScanPart {
  from: number;
  to: number;
  source: UsageSource;
}

/**
 * Whole UTC days come from the rollup; the partial days at either edge from the requests, in
 * `slices` pieces in all so that a long scan can report progress.
 */
function planScan(options: { from: number; to: number; slices: number; useRollup: boolean }): ScanPart[] {
  const { from, to } = options;
  const firstWholeDay = Math.ceil(from / DAY_MS) * DAY_MS;
  const lastWholeDay = Math.floor(to / DAY_MS) * DAY_MS;
  const useRollup = options.useRollup && firstWholeDay < lastWholeDay;
  const rawRanges = useRollup
    ? [
        { from, to: firstWholeDay },
        { from: lastWholeDay, to },
      ].filter((range) => range.from < range.to)
    : [{ from, to }];
  const rawSpan = rawRanges.reduce((total, range) => total + (range.to - range.from), 0);
  const parts: ScanPart[] = [];
  for (const range of rawRanges) {
    const pieces = Math.max(1, Math.round((options.slices * (range.to - range.from)) / Math.max(1, rawSpan)));
    for (let piece = 0; piece < pieces; piece += 1) {
      const span = range.to - range.from;
      parts.push({
        from: range.from + Math.floor((span * piece) / pieces),
        to: piece === pieces - 1 ? range.to : range.from + Math.floor((span * (piece + 1)) / pieces),
        source: 'requests',
      });
    }
  }
  if (useRollup) parts.push({ from: firstWholeDay, to: lastWholeDay, source: 'rollup' });
  return parts.sort((left, right) => left.from - right.from);
}

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
   * Read the partial days at the range's edges (or the whole range, without the rollup) in this
   * many time slices (default 1), reporting progress after each; slices merge exactly because
   * every figure is a sum.
   */
  slices?: number;
  /** Called with the share of the scan done (0–1] after each query. */
  onProgress?: (done: number) => void;
  /** Read whole days from the daily rollup (default true); false reads every request. */
  useRollup?: boolean;
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

function usageSql(options: {
  part: ScanPart;
  groupBy: readonly UsageDimension[];
  filters: LedgerFilters | undefined;
}): [string, SqlValue[]] {
  const { part, groupBy } = options;
  const select = groupBy.map((dimension, index) => `${DIMENSION_SQL[dimension][part.source]} AS g${index}`);
  const aggregates = part.source === 'rollup' ? ROLLUP_AGGREGATES_SQL : USAGE_AGGREGATES_SQL;
  const table = part.source === 'rollup' ? ROLLUP_TABLE : 'ledger_requests';
  const where = buildLedgerWhere({ from: part.from, to: part.to, filters: options.filters, source: part.source });
  const groupClause = groupBy.length === 0 ? '' : `GROUP BY ${groupBy.map((_, index) => index + 1).join(', ')}`;
  return [`SELECT ${[...select, aggregates].join(', ')} FROM ${table} ${where.sql} ${groupClause}`, where.params];
}

/**
 * Spend and tokens over a time range, grouped and aggregated in SQL: whole days from the daily
 * rollup, the partial days at the edges from the requests themselves.
 */
export async function queryUsage(reader: LedgerReader, query: UsageQuery): Promise<UsageReport> {
  const groupBy = [...new Set(query.groupBy)];
  for (const dimension of groupBy) {
    if (!USAGE_DIMENSIONS.includes(dimension)) throw new Error(`Unknown usage dimension "${dimension}"`);
  }
  const parts = planScan({
    from: query.from,
    to: query.to,
    slices: Math.max(1, Math.floor(query.slices ?? 1)),
    useRollup: query.useRollup ?? true,
  });
  const groups = new Map<string, { group: UsageRow['group']; sums: UsageSums }>();
  for (const [index, part] of parts.entries()) {
    for (const row of await reader.all(...usageSql({ part, groupBy, filters: query.filters }))) {
      const group: UsageRow['group'] = {};
      groupBy.forEach((dimension, position) => {
        group[dimension] = readGroupValue(dimension, row[`g${position}`]);
      });
      const sums = readUsageSums(row);
      // An aggregate over no rows still returns one row (COUNT 0) when there is no GROUP BY.
      if (sums.requests === 0) continue;
      const key = JSON.stringify(groupBy.map((dimension) => group[dimension] ?? null));
      const existing = groups.get(key);
      if (existing) addUsageSums(existing.sums, sums);
      else groups.set(key, { group, sums });
    }
    query.onProgress?.((index + 1) / parts.length);
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
