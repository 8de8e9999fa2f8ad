import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import { collectGatewayState, type LedgerHealth } from './collect-gateway-state.js';
import { createMetricsObserver } from './create-metrics-observer.js';
import { defineMetrics, type GatewayMetrics } from './define-metrics.js';
import type { GatewayStateProvider, GatewayStateSnapshot } from './gateway-state-snapshot.js';

/** Options for {@link createMetrics}. */
export interface CreateMetricsOptions {
  /** Distinct tenants exported before the rest fold into `other` (`metrics.max_tenants`, default 50). */
  maxTenants?: number;
  /** Distinct features exported before the rest fold into `other` (default: `maxTenants`). */
  maxFeatures?: number;
  /** Breakers, queues, guard counters and budgets, read at scrape time (the resilience layers' `snapshot`). */
  snapshot?: GatewayStateProvider;
  /** Ledger health, read at scrape time (the ledger's `stats`). */
  ledgerStats?: () => LedgerHealth;
  /** Also export Node.js process metrics (CPU, memory, event loop lag, GC); default true. */
  processMetrics?: boolean;
  /** A scrape waits at most this long for the snapshot (a hung Redis must not hang Prometheus); default 2000. */
  snapshotTimeoutMs?: number;
}

/** The gateway's Prometheus metrics. */
export interface Metrics {
  /** Add to `createGateway({ observers })`: records every settled request. */
  observer: SettleObserver;
  /** `GET /metrics`: the Prometheus text format. */
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** The registry (its own, not prom-client's global one). */
  registry: Registry;
  /** Reads the live state and renders every metric, as the handler does. */
  scrape(): Promise<string>;
  /** The metric objects, for tests and extensions. */
  metrics: GatewayMetrics;
}

const DEFAULT_MAX_TENANTS = 50;
const DEFAULT_SNAPSHOT_TIMEOUT_MS = 2_000;

async function readSnapshot(provider: GatewayStateProvider, timeoutMs: number): Promise<GatewayStateSnapshot> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`state snapshot took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([provider(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Prometheus metrics named after the OpenTelemetry GenAI semantic conventions where they exist
 * (`gen_ai_client_token_usage`, `gen_ai_client_operation_duration_seconds`,
 * `gen_ai_server_time_to_first_token_seconds`), plus the gateway's own `tollgate_*` series: requests,
 * overhead, cost and baseline cost per tenant/feature/model, cache, attempts, retries, fallbacks,
 * and, read at scrape time, breakers, queues, budgets and ledger health.
 */
export function createMetrics(options: CreateMetricsOptions = {}): Metrics {
  const registry = new Registry();
  const metrics = defineMetrics(registry);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const maxTenants = options.maxTenants ?? DEFAULT_MAX_TENANTS;
  const observer = createMetricsObserver(metrics, {
    maxTenants,
    maxFeatures: options.maxFeatures ?? maxTenants,
  });
  const timeoutMs = options.snapshotTimeoutMs ?? DEFAULT_SNAPSHOT_TIMEOUT_MS;

  const scrape = async (): Promise<string> => {
    let snapshot: GatewayStateSnapshot | undefined;
    if (options.snapshot) {
      try {
        snapshot = await readSnapshot(options.snapshot, timeoutMs);
        metrics.stateUp.set(1);
      } catch {
        metrics.stateUp.set(0);
      }
    }
    collectGatewayState({ metrics, snapshot, ledger: options.ledgerStats?.(), maxBudgets: maxTenants });
    return registry.metrics();
  };

  return {
    observer,
    registry,
    metrics,
    scrape,
    async handler(_request, response) {
      const body = await scrape();
      response.writeHead(200, {
        'content-type': registry.contentType,
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      });
      response.end(body);
    },
  };
}
