import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigFile } from '../../src/config/config-schema.js';
import { validateConfig } from '../../src/config/load-config.js';
import { createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { openAiProtocol } from '../../src/protocols/openai/openai-protocol.js';
import type { SimulationHooks } from '../../src/providers/create-provider-adapter.js';
import { createResilienceLayers, type ResilienceLayers } from '../../src/resilience/create-resilience-layers.js';
import { toGatewayError } from '../../src/spec/index.js';
import { sendError } from '../../src/stages/respond/write-response.js';
import type { SettledRequest } from '../../src/stages/settle/settled-request.js';

/** Redis for tests that share state between gateways; the test fails, not skips, when it is down. */
export const TEST_REDIS_URL = process.env.TOLLGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A gateway with budgets, the attempt guard and virtual keys wired in, as the core will wire them. */
export interface ResilientGateway {
  url: string;
  gateway: Gateway;
  layers: ResilienceLayers;
  /** Every request settled by this gateway, in order. */
  settled: SettledRequest[];
  close(): Promise<void>;
}

/** A fresh SQLite path for the key store, removed by `cleanup`. */
export function temporaryFolder(): { path: (name: string) => string; cleanup: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'tollgate-budgets-'));
  return { path: (name) => join(folder, name), cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/** A Redis key prefix of its own, so parallel test files never see each other's counters. */
export function uniquePrefix(): string {
  return `tollgate-test:${randomUUID()}:`;
}

/**
 * Starts a gateway on 127.0.0.1:0 with `createResilienceLayers` passed as `budgets`, `guard`, an
 * observer and `core.keys`, and /admin/keys and /admin/budgets mounted in front, exactly as the wiring instructions say.
 * The simulated provider runs on an instant clock unless `simulation` says otherwise (`{}` is real time,
 * so that requests overlap as they would in production).
 */
export async function startResilientGateway(options: {
  config: Record<string, unknown>;
  masterKey?: string;
  simulation?: SimulationHooks;
}): Promise<ResilientGateway> {
  const logger = createLogger({ level: 'silent' });
  const settled: SettledRequest[] = [];
  let gateway: Gateway | undefined;
  const environment: NodeJS.ProcessEnv = options.masterKey ? { TOLLGATE_MASTER_KEY: options.masterKey } : {};
  // The layers read the gateway's current config, so that a reload reaches budgets and breakers too.
  const initial = validateConfig({ document: options.config, source: 'test', environment }).config;
  const layers = await createResilienceLayers({
    config: (): ConfigFile => gateway?.core.runtime.config ?? initial,
    logger,
    environment,
    masterKey: () => gateway?.core.masterKey,
  });
  gateway = await createGateway({
    config: options.config,
    environment,
    logger,
    simulation: options.simulation ?? { sleep: async () => {} },
    budgets: layers.budgets,
    guard: layers.guard,
    latency: layers.latency,
    observers: [layers.observer, { onSettled: (request) => settled.push(request) }],
    batch: false,
  });
  gateway.core.keys = layers.keys.resolver;
  const handle = gateway.handle;
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://gateway.invalid');
    const admin =
      url.pathname === '/admin/budgets'
        ? layers.admin.budgets(request, response)
        : url.pathname.startsWith('/admin/keys')
          ? layers.admin.handle(request, response, url)
          : undefined;
    if (!admin) {
      handle(request, response);
      return;
    }
    admin.catch((error: unknown) => {
      sendError({ response, protocol: openAiProtocol, error: toGatewayError(error), headers: {} });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const running = gateway;
  return {
    url,
    gateway: running,
    layers,
    settled,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await running.close();
      await layers.close();
    },
  };
}

/** Runs `count` tasks with at most `concurrency` at a time; resolves with their results in order. */
export async function runPool<T>(options: {
  count: number;
  concurrency: number;
  task: (index: number) => Promise<T>;
}): Promise<T[]> {
  const results: T[] = new Array(options.count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.count) {
      const index = next++;
      results[index] = await options.task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.count) }, worker));
  return results;
}

/** Waits until `check` holds (polling), failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
