import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BudgetAlert } from '../../src/admin/create-alert-log.js';
import { createCacheLayer, type GatewayCacheLayer } from '../../src/cache/create-cache-layer.js';
import { validateConfig } from '../../src/config/load-config.js';
import { createDashboardHandler } from '../../src/dashboard/create-dashboard-handler.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { createLogger, type Logger } from '../../src/logging/create-logger.js';
import type { ResilienceLayers } from '../../src/resilience/create-resilience-layers.js';

/** A gateway as `createGateway` wires it (ledger, metrics, admin API, budgets, tracing), on 127.0.0.1. */
export interface ObservedGateway {
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  gateway: Gateway;
  ledger: Ledger;
  resilience: ResilienceLayers;
  cache: GatewayCacheLayer;
  /** Alerts the budgets layer POSTed to the budgets' webhook (a receiver in the test). */
  webhookAlerts: BudgetAlert[];
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
 * `createGateway` with its own metrics, admin API, budgets, breakers and tracing: the wiring a user
 * gets, so that a broken wire fails these tests. Only three things come from the test: the ledger's
 * SQLite file in a temp folder, the exact cache (so that a test can wait for stores to land), and the
 * dashboard's static files, freshly built into a temp folder and mounted in front of the gateway (the
 * gateway's own /dashboard serves `dist/dashboard/public`, which may be stale or missing in a checkout).
 * Budget webhooks point at a receiver here, so that a test can compare what the webhook got with what
 * the dashboard shows.
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
  const webhookAlerts: BudgetAlert[] = [];
  const receiver = createServer((request, response) => {
    readJson(request).then(
      (body) => {
        webhookAlerts.push(body as BudgetAlert);
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
  const cache = await createCacheLayer({ config, logger });
  const gateway = await createGateway({
    config: document,
    environment,
    logger,
    simulation: { sleep: async () => {} },
    cache,
  });
  const resilience = gateway.resilience;
  if (!resilience) throw new Error('createGateway built no resilience layers');
  const dashboard = createDashboardHandler({
    staticDir: options.staticDir,
    masterKey: () => gateway.core.masterKey,
    logger,
  });
  const server = createServer({ keepAliveTimeout: 65_000 }, (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    if (url.pathname === '/dashboard' || url.pathname.startsWith('/dashboard/')) void dashboard(request, response, url);
    else gateway.handle(request, response);
  });
  const url = await listen(server);
  return {
    url,
    gateway,
    ledger: gateway.ledger,
    resilience,
    cache,
    webhookAlerts,
    async close() {
      server.closeAllConnections();
      receiver.closeAllConnections();
      await Promise.all([
        new Promise<void>((resolve) => server.close(() => resolve())),
        new Promise<void>((resolve) => receiver.close(() => resolve())),
      ]);
      await gateway.close();
      await cache.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
