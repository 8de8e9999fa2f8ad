import { fromRow, REQUEST_COLUMNS } from '../ledger/ledger-columns.js';
import type { RequestRecord } from '../ledger/ledger-record.js';
import type { LedgerReader } from '../ledger/ledger-store.js';
import { buildLedgerWhere, type LedgerFilters } from './ledger-filters.js';

/** A page of the most recent requests. */
export interface RecentRequestsQuery {
  /** Most rows returned (capped at 1000). */
  limit: number;
  /** Narrow to some requests. */
  filters?: LedgerFilters;
  /** Only requests that started before this time (ms since the epoch): the previous page's last `startedAt`. */
  before?: number;
  /** Only requests that started at or after this time (ms since the epoch). */
  from?: number;
}

/** The latest requests first, for the dashboard's request list. */
export async function recentRequests(reader: LedgerReader, query: RecentRequestsQuery): Promise<RequestRecord[]> {
  const limit = Math.max(0, Math.min(1000, Math.floor(query.limit)));
  const where = buildLedgerWhere({ from: query.from, to: query.before, filters: query.filters });
  const columns = REQUEST_COLUMNS.map((spec) => spec.column).join(', ');
  const rows = await reader.all(
    `SELECT ${columns} FROM ledger_requests ${where.sql} ORDER BY started_at DESC, request_id DESC LIMIT ?`,
    [...where.params, limit],
  );
  return rows.map((row) => fromRow(row, REQUEST_COLUMNS));
}
