import { parseLedgerFilters } from '../report/parse-usage-query.js';
import type { RecentRequestsQuery } from '../report/recent-requests.js';
import { GatewayError } from '../spec/index.js';

/** Rows per page when the client does not say. */
const DEFAULT_LIMIT = 50;
/** Most rows per page: the list is for reading, exports go through /admin/usage or `tollgate report`. */
const MAX_LIMIT = 500;

function epochMs(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time)) {
    throw new GatewayError({
      code: 'invalid_request',
      param: name,
      message: `${name} must be an ISO time or milliseconds since the epoch`,
    });
  }
  return time;
}

/**
 * `GET /admin/requests?limit=50&before=…&from=…&tenant=acme&cache=miss&outcome=success`: the newest
 * requests first; `before` pages back (the previous page's last `startedAt`); filters as in
 * `/admin/usage` (`tenant`, `feature`, `key`, `provider`, `model`, `tier`, `route`, `cache`, `outcome`).
 */
export function parseRecentQuery(params: URLSearchParams): RecentRequestsQuery {
  const limitText = params.get('limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== null && limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new GatewayError({
        code: 'invalid_request',
        param: 'limit',
        message: `limit must be a whole number from 1 to ${MAX_LIMIT}`,
      });
    }
  }
  const query: RecentRequestsQuery = { limit, filters: parseLedgerFilters(params) };
  const before = epochMs(params, 'before');
  if (before !== undefined) query.before = before;
  const from = epochMs(params, 'from');
  if (from !== undefined) query.from = from;
  return query;
}
