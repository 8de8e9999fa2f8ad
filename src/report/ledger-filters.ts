import type { SqlValue } from '../ledger/ledger-columns.js';
import type { CacheStatus, RequestOutcome, RouteRule } from '../ledger/ledger-record.js';

/** A value to match, several values (any of them), or null for "not set". */
type Match<Value extends string> = Value | null | readonly (Value | null)[];

/** Narrows ledger queries to some requests. Every filter given must match. */
export interface LedgerFilters {
  /** The tenant the request was attributed to. */
  tenant?: Match<string>;
  /** The feature the request was attributed to. */
  feature?: Match<string>;
  /** The virtual key id; null matches requests made without a virtual key. */
  keyId?: Match<string>;
  /** The provider that served the request; null matches requests no provider served (cache hits, rejections). */
  provider?: Match<string>;
  /** The model that served the request; null as for `provider`. */
  model?: Match<string>;
  /** The tier that served the request; null where no tier applied. */
  tier?: Match<string>;
  /** The router rule that decided. */
  routeRule?: Match<RouteRule>;
  /** What the gateway's cache did. */
  cacheStatus?: Match<CacheStatus>;
  /** How the request ended. */
  outcome?: Match<RequestOutcome>;
  /** Whether shadow runs are counted (default true: they cost real money). */
  includeShadow?: boolean;
}

const FILTER_COLUMNS = {
  tenant: 'tenant',
  feature: 'feature',
  keyId: 'key_id',
  provider: 'provider',
  model: 'model',
  tier: 'tier',
  routeRule: 'route_rule',
  cacheStatus: 'cache_status',
  outcome: 'outcome',
} as const satisfies Record<Exclude<keyof LedgerFilters, 'includeShadow'>, string>;

/** The table a query reads: every request, or the daily rollup (whole UTC days only). */
export type UsageSource = 'requests' | 'rollup';

/**
 * A time range and filters as a WHERE clause with `?` placeholders (both dialects). On the
 * rollup, the range is on the `day` column and "not set" is stored as ''.
 */
export function buildLedgerWhere(options: {
  from?: number | undefined;
  to?: number | undefined;
  filters?: LedgerFilters | undefined;
  source?: UsageSource;
}): {
  sql: string;
  params: SqlValue[];
} {
  const rollup = options.source === 'rollup';
  const timeColumn = rollup ? 'day' : 'started_at';
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (options.from !== undefined) {
    conditions.push(`${timeColumn} >= ?`);
    params.push(Math.floor(options.from));
  }
  if (options.to !== undefined) {
    conditions.push(`${timeColumn} < ?`);
    params.push(Math.ceil(options.to));
  }
  const filters = options.filters ?? {};
  for (const [field, column] of Object.entries(FILTER_COLUMNS) as [keyof typeof FILTER_COLUMNS, string][]) {
    const match = filters[field];
    if (match === undefined) continue;
    const values: readonly (string | null)[] = Array.isArray(match) ? match : [match as string | null];
    const present = values.filter((value): value is string => value !== null);
    const alternatives: string[] = [];
    if (present.length > 0) {
      alternatives.push(`${column} IN (${present.map(() => '?').join(', ')})`);
      params.push(...present);
    }
    if (present.length < values.length) alternatives.push(rollup ? `${column} = ''` : `${column} IS NULL`);
    // An empty list matches nothing, as "any of no values" should.
    conditions.push(alternatives.length === 0 ? '1 = 0' : `(${alternatives.join(' OR ')})`);
  }
  if (filters.includeShadow === false) conditions.push(rollup ? 'shadow = 0' : 'shadow_of IS NULL');
  return { sql: conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`, params };
}
