import type { Ledger } from '../ledger/ledger.js';
import type { Logger } from '../logging/create-logger.js';
import type { BudgetStateSnapshot, GatewayStateProvider } from '../metrics/gateway-state-snapshot.js';
import { parseTimeSeriesQuery, parseUsageQuery } from '../report/parse-usage-query.js';
import { GatewayError } from '../spec/index.js';
import { sendJson } from '../stages/respond/write-response.js';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import { type AdminHandler, withAdminErrors } from './admin-handler.js';
import { requireAdmin } from './authorize-admin.js';
import { type AlertLog, type BudgetAlert, createAlertLog } from './create-alert-log.js';
import { createEventFeed, type EventFeed, type EventFeedOptions } from './create-event-feed.js';
import { parseRecentQuery } from './parse-recent-query.js';

/** What the admin handlers read from the ledger. */
export type AdminLedger = Pick<Ledger, 'queryUsage' | 'timeSeries' | 'recentRequests' | 'requestDetail'>;

/** Options for {@link createAdminHandlers}. */
export interface CreateAdminHandlersOptions {
  ledger: AdminLedger;
  /** The master key now (it may change on reload); undefined leaves the routes open like the rest of the gateway. */
  masterKey: () => string | undefined;
  /** Budgets (and breakers, queues) for `/admin/budgets`; without it the list is empty. */
  snapshot?: GatewayStateProvider;
  /** The live feed's limits. */
  events?: EventFeedOptions;
  /** Alerts kept for `/admin/alerts` (default 200). */
  maxAlerts?: number;
  /** Where internal errors are logged. */
  logger?: Logger;
}

/** The dashboard's JSON API under /admin/. Each handler checks the master key itself. */
export interface AdminHandlers {
  /** `GET /admin/usage?from&to&by=tenant,model&<filters>`: spend grouped, as `tollgate report --format json`. */
  usage: AdminHandler;
  /** `GET /admin/timeseries?from&to&bucket=hour|day&series=tenant&<filters>`: spend and traffic per bucket. */
  timeseries: AdminHandler;
  /** `GET /admin/requests?limit&before&from&<filters>`: the newest requests first. */
  requests: AdminHandler;
  /** `GET /admin/requests/:id`: one request with every attempt and its feedback. */
  requestDetail: AdminHandler;
  /** `GET /admin/budgets`: every budget in its window with spend, thresholds and level. */
  budgets: AdminHandler;
  /** `GET /admin/alerts`: budget threshold alerts, newest first. */
  alerts: AdminHandler;
  /** `GET /admin/events`: server-sent events of settled requests and alerts. */
  events: AdminHandler;
  /** Any of the above by path (mount under the `/admin/` prefix, after the other admin routes). */
  handle: AdminHandler;
  /** Add to the gateway's observers: feeds `/admin/events`. */
  observer: SettleObserver;
  /** The budgets layer calls this on every threshold crossing (webhook or not). */
  recordAlert(alert: BudgetAlert): void;
  /** Ends live connections. */
  close(): void;
}

const DAY_MS = 86_400_000;
const NO_STORE = { 'cache-control': 'no-store' };

/** A budget with its thresholds and window start filled in for the burn-down chart. */
function describeBudget(budget: BudgetStateSnapshot): Required<BudgetStateSnapshot> {
  const resetsAt = Date.parse(budget.resetsAt);
  return {
    ...budget,
    fallbackAt: budget.fallbackAt ?? 0.8,
    throttleAt: budget.throttleAt ?? 0.95,
    // Until the budgets layer reports its window start, assume a day: the common window.
    windowStart: budget.windowStart ?? new Date(resetsAt - DAY_MS).toISOString(),
  };
}

function requestIdFrom(url: URL): string | undefined {
  const match = /^\/admin\/requests\/([^/]+)\/?$/.exec(url.pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * The JSON handlers behind the dashboard. Every aggregate is computed by the ledger in SQL (indexed
 * by time and attribution columns), so they stay fast on millions of rows. Errors are GatewayErrors
 * in the OpenAI error shape.
 */
export function createAdminHandlers(options: CreateAdminHandlersOptions): AdminHandlers {
  const { ledger } = options;
  const feed: EventFeed = createEventFeed(options.events);
  const alertLog: AlertLog = createAlertLog({ max: options.maxAlerts, onRecord: feed.publishAlert });
  const guarded = (handler: AdminHandler): AdminHandler =>
    withAdminErrors(async (request, response, url) => {
      requireAdmin(request.headers, options.masterKey());
      await handler(request, response, url);
    }, options.logger);
  const json = (response: Parameters<AdminHandler>[1], body: unknown): void =>
    sendJson({ response, status: 200, body, headers: NO_STORE });

  const usage = guarded(async (_request, response, url) => {
    const report = await ledger.queryUsage(parseUsageQuery(url.searchParams));
    json(response, { ...report, from: new Date(report.from).toISOString(), to: new Date(report.to).toISOString() });
  });

  const timeseries = guarded(async (_request, response, url) => {
    const query = parseTimeSeriesQuery(url.searchParams);
    const points = await ledger.timeSeries(query);
    json(response, {
      from: new Date(query.from).toISOString(),
      to: new Date(query.to).toISOString(),
      bucket: query.bucket,
      series: query.by ?? null,
      points,
    });
  });

  const requests = guarded(async (_request, response, url) => {
    const query = parseRecentQuery(url.searchParams);
    const rows = await ledger.recentRequests(query);
    const last = rows.at(-1);
    json(response, { data: rows, next_before: rows.length === query.limit && last ? last.startedAt : null });
  });

  const requestDetail = guarded(async (_request, response, url) => {
    const requestId = requestIdFrom(url);
    if (!requestId) throw new GatewayError({ code: 'not_found', message: `No route GET ${url.pathname}.` });
    const detail = await ledger.requestDetail(requestId);
    if (!detail) {
      throw new GatewayError({ code: 'not_found', message: `The ledger has no request ${requestId}.` });
    }
    json(response, detail);
  });

  const budgets = guarded(async (_request, response) => {
    const snapshot = options.snapshot ? await options.snapshot() : {};
    const data = (snapshot.budgets ?? [])
      .map(describeBudget)
      .sort((left, right) => right.utilisation - left.utilisation);
    json(response, { data });
  });

  const alerts = guarded(async (_request, response) => {
    json(response, { data: alertLog.list() });
  });

  const events = guarded(async (request, response) => {
    feed.subscribe(request, response);
  });

  const handle: AdminHandler = async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    const byPath: Record<string, AdminHandler> = {
      '/admin/usage': usage,
      '/admin/timeseries': timeseries,
      '/admin/requests': requests,
      '/admin/budgets': budgets,
      '/admin/alerts': alerts,
      '/admin/events': events,
    };
    const handler = byPath[path] ?? (requestIdFrom(url) ? requestDetail : undefined);
    if (handler) return handler(request, response, url);
    return withAdminErrors(async () => {
      throw new GatewayError({ code: 'not_found', message: `No route ${request.method} ${url.pathname}.` });
    }, options.logger)(request, response, url);
  };

  return {
    usage,
    timeseries,
    requests,
    requestDetail,
    budgets,
    alerts,
    events,
    handle,
    observer: feed.observer,
    recordAlert: alertLog.record,
    close: feed.close,
  };
}
