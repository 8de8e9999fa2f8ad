import { CACHE_STATUSES, REQUEST_OUTCOMES, ROUTE_RULES } from '../ledger/ledger-record.js';
import { GatewayError } from '../spec/gateway-error.js';
import type { LedgerFilters } from './ledger-filters.js';
import { USAGE_DIMENSIONS, type UsageQuery } from './query-usage.js';
import type { TimeSeriesQuery } from './time-series.js';

const DAY_MS = 86_400_000;
/** The value `none` in a filter matches requests where the field is not set (e.g. no virtual key). */
const NONE = 'none';

function invalid(param: string, message: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', message, param });
}

function list(params: URLSearchParams, name: string): string[] | undefined {
  const values = params.getAll(name).flatMap((value) => value.split(','));
  const trimmed = values.map((value) => value.trim()).filter((value) => value !== '');
  return trimmed.length === 0 ? undefined : trimmed;
}

function parseTime(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time)) throw invalid(name, `${name} must be an ISO time or milliseconds since the epoch`);
  return time;
}

function oneOf<Value extends string>(
  name: string,
  values: string[],
  allowed: readonly Value[],
  options: { none: boolean } = { none: true },
): Value[] {
  for (const value of values) {
    if (!(options.none && value === NONE) && !(allowed as readonly string[]).includes(value)) {
      throw invalid(name, `${name} must be one of ${allowed.join(', ')}; got "${value}"`);
    }
  }
  return values as Value[];
}

/**
 * The range of a query string: `from` and `to` as ISO times or epoch milliseconds, defaulting to
 * the last `defaultDays` days.
 */
export function parseRange(params: URLSearchParams, defaultDays = 30): { from: number; to: number } {
  const to = parseTime(params, 'to') ?? Date.now();
  const from = parseTime(params, 'from') ?? to - defaultDays * DAY_MS;
  if (from >= to) throw invalid('from', 'from must be before to');
  return { from, to };
}

/**
 * Filters from a query string: `tenant`, `feature`, `key`, `provider`, `model`, `tier`, `route`,
 * `cache`, `outcome`, each a comma list (`none` matches unset), and `shadow=exclude`.
 */
export function parseLedgerFilters(params: URLSearchParams): LedgerFilters {
  const filters: LedgerFilters = {};
  const withNone = (values: string[]) => values.map((value) => (value === NONE ? null : value));
  const text = {
    tenant: 'tenant',
    feature: 'feature',
    keyId: 'key',
    provider: 'provider',
    model: 'model',
    tier: 'tier',
  } as const;
  for (const [field, name] of Object.entries(text) as [keyof typeof text, string][]) {
    const values = list(params, name);
    if (values) filters[field] = withNone(values);
  }
  const route = list(params, 'route');
  if (route) filters.routeRule = withNone(oneOf('route', route, ROUTE_RULES)) as LedgerFilters['routeRule'];
  const cache = list(params, 'cache');
  if (cache) filters.cacheStatus = withNone(oneOf('cache', cache, CACHE_STATUSES)) as LedgerFilters['cacheStatus'];
  const outcome = list(params, 'outcome');
  if (outcome) filters.outcome = withNone(oneOf('outcome', outcome, REQUEST_OUTCOMES)) as LedgerFilters['outcome'];
  const shadow = params.get('shadow');
  if (shadow !== null && shadow !== 'include' && shadow !== 'exclude') {
    throw invalid('shadow', 'shadow must be include or exclude');
  }
  if (shadow === 'exclude') filters.includeShadow = false;
  return filters;
}

/**
 * `GET /admin/usage?from=…&to=…&by=tenant,model&tenant=acme`: the query string as a
 * {@link UsageQuery} (default: last 30 days by model). Throws `invalid_request` on bad input.
 */
export function parseUsageQuery(params: URLSearchParams): UsageQuery {
  const groupBy = oneOf('by', list(params, 'by') ?? ['model'], USAGE_DIMENSIONS, { none: false });
  return { ...parseRange(params), groupBy, filters: parseLedgerFilters(params) };
}

/**
 * A time series query string: range and filters as {@link parseUsageQuery}, `bucket=hour|day`
 * (default: hour up to two days, else day) and `series=tenant|feature|model|…` (default: none).
 */
export function parseTimeSeriesQuery(params: URLSearchParams): TimeSeriesQuery {
  const range = parseRange(params, 7);
  const bucketText = params.get('bucket') ?? (range.to - range.from <= 2 * DAY_MS ? 'hour' : 'day');
  if (bucketText !== 'hour' && bucketText !== 'day') throw invalid('bucket', 'bucket must be hour or day');
  const series = params.get('series');
  const dimensions = USAGE_DIMENSIONS.filter((dimension) => dimension !== 'day');
  if (series !== null && !(dimensions as string[]).includes(series)) {
    throw invalid('series', `series must be one of ${dimensions.join(', ')}`);
  }
  return {
    ...range,
    bucket: bucketText,
    ...(series === null ? {} : { by: series as TimeSeriesQuery['by'] & string }),
    filters: parseLedgerFilters(params),
  };
}
