import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLedger } from '../ledger/create-ledger.js';
import type { Ledger } from '../ledger/ledger.js';
import type { AttemptRecord, RequestRecord } from '../ledger/ledger-record.js';
import { createLogger } from '../logging/create-logger.js';
import type { BudgetStateSnapshot } from '../metrics/gateway-state-snapshot.js';
import type { SettledRequest } from '../stages/settle/settled-request.js';
import { createSessionToken, SESSION_COOKIE } from './authorize-admin.js';
import { type AdminHandlers, createAdminHandlers } from './create-admin-handlers.js';
import type { BudgetAlert } from './create-alert-log.js';

const MASTER_KEY = 'mk-admin-test-0123456789';
const HOUR_MS = 3_600_000;
const now = Date.now();

function record(index: number, overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    requestId: `req-${index}`,
    startedAt: now - index * 60_000,
    tenant: index % 2 === 0 ? 'acme' : 'globex',
    feature: 'search',
    keyId: null,
    protocol: 'openai',
    requestedModel: 'fast',
    routeRule: 'tier',
    routeReason: 'tier fast',
    tier: 'fast',
    provider: 'sim',
    model: 'small',
    uncachedInputTokens: 100,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: 20,
    reasoningTokens: 0,
    usageSource: 'reported',
    costUsd: 0.001 * (index + 1),
    counterfactualCostUsd: 0.01,
    cacheStatus: index === 3 ? 'hit-exact' : 'miss',
    latencyMs: 120,
    ttftMs: null,
    overheadMs: 1,
    attempts: 1,
    stream: false,
    batch: false,
    outcome: 'success',
    errorCode: null,
    httpStatus: 200,
    shadowOf: null,
    priced: true,
    ...overrides,
  };
}

function attempt(requestId: string, attemptIndex: number, error: boolean): AttemptRecord {
  return {
    requestId,
    attemptIndex,
    provider: error ? 'flaky' : 'sim',
    model: error ? 'flaky-model' : 'small',
    startedAt: now,
    latencyMs: 10,
    ttftMs: null,
    outcome: error ? 'error' : 'success',
    errorCode: error ? 'upstream_error' : null,
    httpStatus: error ? 500 : 200,
    uncachedInputTokens: error ? 0 : 100,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    cacheWrite1hInputTokens: 0,
    outputTokens: error ? 0 : 20,
    reasoningTokens: 0,
    usageSource: error ? 'none' : 'reported',
    costUsd: error ? 0 : 0.001,
  };
}

function alert(budget: string, at: number): BudgetAlert {
  return {
    type: 'budget.threshold_crossed',
    threshold: 'fallback',
    budget,
    scope: 'tenant',
    subject: 'acme',
    limit_usd: 10,
    spent_usd: 8.2,
    held_usd: 0,
    utilisation: 0.82,
    threshold_share: 0.8,
    window_start: new Date(at - HOUR_MS).toISOString(),
    resets_at: new Date(at + HOUR_MS).toISOString(),
    at: new Date(at).toISOString(),
  };
}

describe('the admin JSON API', () => {
  let directory: string;
  let ledger: Ledger;
  let admin: AdminHandlers;
  let server: Server;
  let base: string;
  let masterKey: string | undefined = MASTER_KEY;
  const budgets: BudgetStateSnapshot[] = [
    {
      name: 'low',
      scope: 'global',
      subject: 'all',
      limitUsd: 100,
      spentUsd: 10,
      heldUsd: 0,
      utilisation: 0.1,
      level: 'ok',
      resetsAt: new Date(now + HOUR_MS).toISOString(),
    },
    {
      name: 'high',
      scope: 'tenant',
      subject: 'acme',
      limitUsd: 10,
      spentUsd: 9,
      heldUsd: 0.6,
      utilisation: 0.96,
      level: 'throttle',
      resetsAt: new Date(now + HOUR_MS).toISOString(),
      fallbackAt: 0.7,
      throttleAt: 0.9,
      windowStart: new Date(now - 2 * HOUR_MS).toISOString(),
    },
  ];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-admin-'));
    ledger = await createLedger(
      { kind: 'sqlite', path: join(directory, 'ledger.db') },
      { logger: createLogger({ level: 'silent' }) },
    );
    for (let index = 0; index < 6; index++) {
      const row = record(index);
      ledger.recordRequest(row, index === 0 ? [attempt(row.requestId, 0, true), attempt(row.requestId, 1, false)] : []);
    }
    await ledger.flush();
    admin = createAdminHandlers({
      ledger,
      masterKey: () => masterKey,
      snapshot: async () => ({ budgets }),
      maxAlerts: 3,
      events: { maxSubscribers: 1 },
    });
    server = createServer(
      (request, response) => void admin.handle(request, response, new URL(request.url ?? '/', 'http://x.invalid')),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    admin.close();
    server.closeAllConnections();
    server.close();
    await ledger.close();
    await rm(directory, { recursive: true, force: true });
  });

  const get = async (path: string, headers: Record<string, string> = { authorization: `Bearer ${MASTER_KEY}` }) => {
    const response = await fetch(`${base}${path}`, { headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('needs the master key, in a header or as a signed session cookie', async () => {
    const missing = await get('/admin/usage', {});
    assert.equal(missing.status, 401);
    assert.deepEqual(Object.keys(missing.body.error as object).sort(), ['code', 'message', 'param', 'type']);
    assert.equal((await get('/admin/usage', { authorization: 'Bearer wrong' })).status, 403);
    assert.equal((await get('/admin/usage', { 'x-api-key': MASTER_KEY })).status, 200);
    assert.equal(
      (await get('/admin/usage', { cookie: `${SESSION_COOKIE}=${createSessionToken(MASTER_KEY)}` })).status,
      200,
    );
    const forged = createSessionToken('another-key');
    assert.equal((await get('/admin/usage', { cookie: `${SESSION_COOKIE}=${forged}` })).status, 403);
    const expired = createSessionToken(MASTER_KEY, now - 13 * HOUR_MS);
    assert.equal((await get('/admin/usage', { cookie: `theme=dark; ${SESSION_COOKIE}=${expired}` })).status, 403);
    masterKey = undefined;
    try {
      assert.equal((await get('/admin/usage', {})).status, 200, 'open when no master key is configured');
    } finally {
      masterKey = MASTER_KEY;
    }
  });

  it('answers /admin/usage as tollgate report does, and rejects bad queries in the OpenAI shape', async () => {
    const { status, body } = await get(`/admin/usage?by=tenant&from=${now - HOUR_MS * 24}&to=${now + 1}`);
    assert.equal(status, 200);
    const expected = await ledger.queryUsage({ from: now - HOUR_MS * 24, to: now + 1, groupBy: ['tenant'] });
    assert.deepEqual(body.rows, expected.rows);
    assert.deepEqual(body.totals, expected.totals);
    assert.equal(body.from, new Date(now - HOUR_MS * 24).toISOString());
    const bad = await get('/admin/usage?by=colour');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.error, {
      message: bad.body.error && (bad.body.error as { message: string }).message,
      type: 'invalid_request_error',
      param: 'by',
      code: 'invalid_request',
    });
  });

  it('answers /admin/timeseries per bucket and series', async () => {
    const { body } = await get(`/admin/timeseries?from=${now - 2 * HOUR_MS}&to=${now + 1}&bucket=hour&series=tenant`);
    assert.equal(body.bucket, 'hour');
    assert.equal(body.series, 'tenant');
    const points = body.points as { costUsd: number; requests: number }[];
    assert.equal(
      points.reduce((sum, point) => sum + point.requests, 0),
      6,
    );
  });

  it('lists recent requests newest first, filtered and paged', async () => {
    const all = await get('/admin/requests?limit=4');
    const rows = all.body.data as RequestRecord[];
    assert.deepEqual(
      rows.map((row) => row.requestId),
      ['req-0', 'req-1', 'req-2', 'req-3'],
    );
    assert.equal(all.body.next_before, rows[3]?.startedAt);
    const next = await get(`/admin/requests?limit=4&before=${all.body.next_before}`);
    assert.deepEqual(
      (next.body.data as RequestRecord[]).map((row) => row.requestId),
      ['req-4', 'req-5'],
    );
    assert.equal(next.body.next_before, null);
    const hits = await get('/admin/requests?cache=hit-exact&tenant=globex');
    assert.deepEqual(
      (hits.body.data as RequestRecord[]).map((row) => row.requestId),
      ['req-3'],
    );
    assert.equal((await get('/admin/requests?limit=0')).status, 400);
    assert.equal((await get('/admin/requests?outcome=fine')).status, 400);
  });

  it('shows one request with every attempt, or a 404', async () => {
    const { status, body } = await get('/admin/requests/req-0');
    assert.equal(status, 200);
    const attempts = body.attempts as AttemptRecord[];
    assert.deepEqual(
      attempts.map((item) => item.errorCode),
      ['upstream_error', null],
    );
    assert.equal((body.request as RequestRecord).requestId, 'req-0');
    const missing = await get('/admin/requests/nope');
    assert.equal(missing.status, 404);
    assert.equal((missing.body.error as { type: string }).type, 'not_found_error');
    assert.equal((await get('/admin/nothing-here')).status, 404);
  });

  it('lists budgets, most used first, with their thresholds and window', async () => {
    const { body } = await get('/admin/budgets');
    const data = body.data as Required<BudgetStateSnapshot>[];
    assert.deepEqual(
      data.map((budget) => budget.name),
      ['high', 'low'],
    );
    assert.equal(data[0]?.throttleAt, 0.9, 'as the budgets layer reported it');
    assert.equal(data[1]?.fallbackAt, 0.8, 'the default when not reported');
    assert.equal(data[1]?.throttleAt, 0.95);
    assert.equal(data[1]?.windowStart, new Date(now + HOUR_MS - 86_400_000).toISOString());
  });

  it('keeps the newest alerts, bounded', async () => {
    for (const [index, name] of ['a', 'b', 'c', 'd'].entries()) admin.recordAlert(alert(name, now + index));
    const { body } = await get('/admin/alerts');
    assert.deepEqual(
      (body.data as BudgetAlert[]).map((item) => item.budget),
      ['d', 'c', 'b'],
    );
  });

  it('streams settled requests and alerts as server-sent events, to a bounded number of clients', async () => {
    const abort = new AbortController();
    const response = await fetch(`${base}/admin/events`, {
      headers: { authorization: `Bearer ${MASTER_KEY}` },
      signal: abort.signal,
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    const second = await get('/admin/events');
    assert.equal(second.status, 429, 'one subscriber allowed in this test');
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const settled = {
      requestId: 'live-1',
      tenant: 'acme',
      cacheStatus: 'miss',
      attempts: [],
    } as unknown as SettledRequest;
    let text = '';
    const read = async (until: string) => {
      while (!text.includes(until)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read(': connected');
    admin.observer.onSettled({
      ...settled,
      route: undefined,
      usage: undefined,
      costUsd: 0.5,
      outcome: 'success',
    } as SettledRequest);
    admin.recordAlert(alert('live-budget', now));
    await read('live-budget');
    assert.match(text, /event: request\ndata: \{"requestId":"live-1",[^\n]*"costUsd":0\.5/);
    assert.match(text, /event: alert\ndata: \{[^\n]*"budget":"live-budget"/);
    abort.abort();
    await reader.cancel().catch(() => {});
  });
});
