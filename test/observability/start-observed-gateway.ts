import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AdminHandlers, createAdminHandlers } from '../../src/admin/create-admin-handlers.js';
import type { BudgetAlert } from '../../src/admin/create-alert-log.js';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import { validateConfig } from '../../src/config/load-config.js';
import { createDashboardHandler } from '../../src/dashboard/create-dashboard-handler.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { createLogger, type Logger } from '../../src/logging/create-logger.js';
import { createMetrics, type Metrics } from '../../src/metrics/create-metrics.js';
import { createResilienceLayers, type ResilienceLayers } from '../../src/resilience/create-resilience-layers.js';

/** A gateway with the ledger, metrics, admin API and dashboard mounted, on 127.0.0.1. */
export interface ObservedGateway {
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  gateway: Gateway;
  ledger: Ledger;
  metrics: Metrics;
  admin: AdminHandlers;
  resilience: ResilienceLayers;
  cache: GatewayCacheLayer;
  /** Alerts the budgets layer sent to its webhook (and the dashboard received). */
  alerts: BudgetAlert[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

/**
 * Builds what the core will wire into `createGateway` (until it does): the SQLite ledger in a temp
 * folder, metrics, the admin API and the dashboard, budgets and breakers from the
 * resilience layers, the exact cache. Budget webhooks point at a receiver in the test that hands each
 * alert to `admin.recordAlert`, as the budgets layer will call it directly.
 */
export async function startObservedGateway(options: {
  /** The config document; `storage` and budget webhooks are filled in here. */
  config: Record<string, unknown>;
  environment?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** The built dashboard (scripts/build-dashboard.mjs --out). */
  staticDir: string;
}): Promise<ObservedGateway> {
  const directory = await mkdtemp(join(tmpdir(), 'tollgate-observed-'));
  const environment = options.environment ?? {};
  const logger = options.logger ?? createLogger({ level: 'silent' });
  const alerts: BudgetAlert[] = [];
  let admin: AdminHandlers | undefined;
  const receiver = createServer((request, response) => {
    readJson(request).then(
      (body) => {
        alerts.push(body as BudgetAlert);
        admin?.recordAlert(body as BudgetAlert);
        response.end();
      },
      () => response.end(),
    );
  });
  const receiverUrl = await listen(receiver);
  const budgets = (options.config.budgets as Record<string, unknown>[] | undefined) ?? [];
  const document = {
    ...options.config,
    storage: { sqlite_path: join(directory, 'ledger.db') },
    budgets: budgets.map((budget) => ({ ...budget, webhook_url: `${receiverUrl}/alerts` })),
  };
  const { config } = validateConfig({ document, source: 'the test config', environment });
  const ledger = await createLedger({ kind: 'sqlite', path: config.storage.sqlite_path }, { logger });
  const resilience = await createResilienceLayers({ config, logger, environment });
  const cache = await createCacheLayer({ config, logger });
  let gateway: Gateway | undefined;
  const masterKey = () => gateway?.core.masterKey;
  const metrics = createMetrics({ maxTenants: 50, snapshot: resilience.snapshot, ledgerStats: () => ledger.stats() });
  admin = createAdminHandlers({ ledger, masterKey, snapshot: resilience.snapshot, logger });
  gateway = await createGateway({
    config: document,
    environment,
    logger,
    simulation: { sleep: async () => {} },
    ledger,
    observers: [metrics.observer, admin.observer, resilience.observer],
    guard: resilience.guard,
    budgets: resilience.budgets,
    cache,
  });
  const dashboard = createDashboardHandler({ staticDir: options.staticDir, masterKey, logger });
  const mounted = admin;
  const running = gateway;
  const server = createServer({ keepAliveTimeout: 65_000 }, (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    if (url.pathname === '/metrics') void metrics.handler(request, response);
    else if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/'))
      void dashboard(request, response, url);
    else if (
      url.pathname.startsWith('/admin/') &&
      !url.pathname.startsWith('/admin/keys') &&
      !url.pathname.startsWith('/admin/config')
    ) {
      void mounted.handle(request, response, url);
    } else running.handle(request, response);
  });
  const url = await listen(server);
  return {
    url,
    gateway,
    ledger,
    metrics,
    admin,
    resilience,
    cache,
    alerts,
    async close() {
      mounted.close();
      server.closeAllConnections();
      receiver.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        new Promise<void>((resolve) => receiver.close(() => resolve())),
      ]);
      await running.close();
      await cache.close();
      await resilience.close();
      await ledger.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
