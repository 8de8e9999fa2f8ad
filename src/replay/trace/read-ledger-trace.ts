import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fromRow, REQUEST_COLUMNS } from '../../ledger/ledger-columns.js';
import type { RequestRecord } from '../../ledger/ledger-record.js';
import type { LedgerReader } from '../../ledger/ledger-store.js';
import { PostgresLedgerStore } from '../../ledger/postgres-ledger-store.js';
import { SqliteLedgerStore } from '../../ledger/sqlite-ledger-store.js';
import { GatewayError } from '../../spec/index.js';
import { fillerParts } from './filler-text.js';
import { readTraceText } from './read-trace-text.js';
import { CONTENT_FREE_HEADERS, ONE_MESSAGE_OVERHEAD_TOKENS, syntheticBody } from './synthetic-body.js';
import type { Trace, TraceRequest } from './trace-request.js';

/** A time range of the ledger, epoch milliseconds, `to` exclusive. */
export interface LedgerRange {
  from?: number;
  to?: number;
}

function inputTokens(record: RequestRecord): number {
  return record.uncachedInputTokens + record.cacheReadInputTokens + record.cacheWriteInputTokens;
}

/**
 * The ledger's requests as a token-count trace: each settled request with tokens becomes a synthetic
 * prompt of its recorded input size, `max_tokens` its recorded output, with its tenant, feature and
 * priority. The ledger keeps no prompt text, so answer caching and content-based routing cannot be
 * measured; cache hits, rejections and shadow runs (no token sizes of their own) are left out.
 */
export function ledgerTrace(records: readonly RequestRecord[], options: { name: string }): Trace {
  const requests: TraceRequest[] = [];
  let skipped = 0;
  let longestOutputTokens = 1;
  const sorted = [...records].sort((a, b) => a.startedAt - b.startedAt || a.requestId.localeCompare(b.requestId));
  for (const record of sorted) {
    const input = inputTokens(record);
    if (input === 0 || record.shadowOf !== null || record.cacheStatus.startsWith('hit')) {
      skipped += 1;
      continue;
    }
    const index = requests.length;
    const output = Math.max(1, record.outputTokens);
    longestOutputTokens = Math.max(longestOutputTokens, output);
    const request: TraceRequest = {
      index,
      atMs: record.startedAt,
      body: () =>
        syntheticBody({
          parts: fillerParts({ tokens: input - ONE_MESSAGE_OVERHEAD_TOKENS, seed: index + 1 }),
          maxTokens: output,
        }),
      tenant: record.tenant,
      feature: record.feature,
      headers: { ...CONTENT_FREE_HEADERS, ...(record.batch ? { 'x-tollgate-priority': 'batch' } : {}) },
    };
    requests.push(request);
  }
  if (requests.length === 0) {
    throw new GatewayError({ code: 'invalid_request', message: `${options.name}: no settled requests with tokens` });
  }
  const notes = [
    'From the ledger: token sizes only (the ledger keeps no prompt text), so prompts are synthetic filler; the semantic cache is kept out and routing sees length only (with the heuristic classifier the routing saving is then an upper bound).',
  ];
  if (skipped > 0)
    notes.push(`${skipped} ledger rows were left out (cache hits, rejections or shadow runs: no token sizes).`);
  return { name: options.name, format: 'ledger', requests, contentFree: true, notes, longestOutputTokens };
}

/** Every request row of a ledger in a time range, oldest first. */
export async function readLedgerRecords(reader: LedgerReader, range: LedgerRange = {}): Promise<RequestRecord[]> {
  const columns = REQUEST_COLUMNS.map((spec) => spec.column).join(', ');
  const rows = await reader.all(
    `SELECT ${columns} FROM ledger_requests WHERE started_at >= ? AND started_at < ? ORDER BY started_at, request_id`,
    [range.from ?? 0, range.to ?? Number.MAX_SAFE_INTEGER],
  );
  return rows.map((row) => fromRow(row, REQUEST_COLUMNS));
}

function isRecord(value: unknown): value is RequestRecord {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<RequestRecord>;
  return typeof record.requestId === 'string' && typeof record.startedAt === 'number';
}

/**
 * Parses a JSONL ledger export: one request record per line, or ledger journal lines
 * (`{ "kind": "request", "request": {…} }`, feedback lines skipped).
 */
export function parseLedgerJsonl(text: string, range: LedgerRange = {}): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const [position, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new GatewayError({ code: 'invalid_request', message: `ledger export line ${position + 1}: not JSON` });
    }
    const candidate =
      (value as { kind?: unknown; request?: unknown }).kind === 'request'
        ? (value as { request: unknown }).request
        : value;
    if ((value as { kind?: unknown }).kind === 'feedback') continue;
    if (!isRecord(candidate)) {
      throw new GatewayError({
        code: 'invalid_request',
        message: `ledger export line ${position + 1}: not a request record (requestId, startedAt, token counts)`,
      });
    }
    if (candidate.startedAt < (range.from ?? 0) || candidate.startedAt >= (range.to ?? Number.MAX_SAFE_INTEGER))
      continue;
    records.push({ ...candidate, shadowOf: candidate.shadowOf ?? null, cacheStatus: candidate.cacheStatus ?? 'miss' });
  }
  return records;
}

/** The environment variable with the PostgreSQL ledger's URL, as in the config's `storage.postgres_url_env`. */
export const DEFAULT_POSTGRES_URL_ENV = 'TOLLGATE_POSTGRES_URL';

async function readPostgresLedger(variable: string, range: LedgerRange): Promise<Trace> {
  const url = process.env[variable];
  if (!url) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `The environment variable ${variable} (the PostgreSQL ledger's URL) is not set`,
    });
  }
  // Read-only: no migration, one connection. The URL stays in the environment, never in a message.
  const store = new PostgresLedgerStore({ url, maxConnections: 1 });
  try {
    return ledgerTrace(await readLedgerRecords(store, range), { name: 'postgres-ledger' });
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError({
      code: 'invalid_request',
      message: `Cannot read the PostgreSQL ledger at $${variable}: ${(error as Error).message}`,
      cause: error,
    });
  } finally {
    await store.close();
  }
}

/**
 * Reads the ledger as a trace: `sqlite:PATH` opens a SQLite ledger read-only; `postgres:VAR` reads a
 * PostgreSQL ledger whose URL is in the environment variable VAR (`postgres:` alone:
 * {@link DEFAULT_POSTGRES_URL_ENV}); any other path is a JSONL export (see {@link parseLedgerJsonl}).
 */
export async function readLedgerTrace(source: string, range: LedgerRange = {}): Promise<Trace> {
  if (source.startsWith('postgres:')) {
    return readPostgresLedger(source.slice('postgres:'.length) || DEFAULT_POSTGRES_URL_ENV, range);
  }
  if (source.startsWith('sqlite:')) {
    const path = source.slice('sqlite:'.length);
    if (!existsSync(path)) throw new GatewayError({ code: 'invalid_request', message: `No ledger at ${path}` });
    const store = new SqliteLedgerStore({ path, mustExist: true });
    try {
      return ledgerTrace(await readLedgerRecords(store, range), { name: basename(path) });
    } finally {
      await store.close();
    }
  }
  return ledgerTrace(parseLedgerJsonl(await readTraceText(source), range), { name: basename(source) });
}
