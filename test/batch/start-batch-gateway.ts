import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchLane } from '../../src/batch/create-batch-lane.js';
import type { BatchStoreTarget } from '../../src/batch/store/open-batch-store.js';
import { createBudgetLayer } from '../../src/budgets/create-budget-layer.js';
import { createBudgetWebhookSender } from '../../src/budgets/send-budget-webhook.js';
import type { BudgetConfig } from '../../src/config/config-schema.js';
import { type CreateGatewayOptions, createGateway, type Gateway } from '../../src/gateway/create-gateway.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { createLogger } from '../../src/logging/create-logger.js';
import { createMemorySharedState } from '../../src/shared-state/memory-shared-state.js';
import type { BudgetLayer } from '../../src/stages/budget/budget-layer.js';

/** A gateway with its batch lane mounted, on 127.0.0.1 with an ephemeral port. */
export interface BatchTestGateway {
  gateway: Gateway;
  lane: BatchLane;
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  ledger: Ledger;
  /** The folder holding the ledger and the job store. */
  directory: string;
  close(): Promise<void>;
}

/** Starts a gateway and its batch lane for a test: silent logs, a private ledger and job store. */
export async function startBatchGateway(
  options: CreateGatewayOptions & { store?: BatchStoreTarget; laneNow?: () => number } = {},
): Promise<BatchTestGateway> {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-batch-'));
  const ledger = await createLedger({ kind: 'sqlite', path: join(directory, 'ledger.db') });
  const gateway = await createGateway({
    environment: {},
    logger: createLogger({ level: 'silent' }),
    simulation: { sleep: async () => {} },
    ...options,
    ledger,
    batch: {
      store: options.store ?? { kind: 'sqlite', path: join(directory, 'batches.db') },
      ...(options.laneNow ? { now: options.laneNow } : {}),
    },
  });
  const lane = gateway.batch;
  if (!lane) throw new Error('The gateway did not mount its batch lane (batch.enabled is false?)');
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    gateway,
    lane,
    url,
    ledger,
    directory,
    close: async () => {
      await gateway.close();
      await ledger.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** Polls until `done` holds, failing after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${options.what ?? 'a condition'}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/**
 * The budgets layer the batch tests throttle: tenant `acme`, $1 a day, fallback at 80%, throttle at
 * 95%, in memory on the test's clock (advance it a day to reset the window).
 */
export function acmeDailyBudgets(now: () => number): BudgetLayer {
  const logger = createLogger({ level: 'silent' });
  const budget: BudgetConfig = {
    scope: 'tenant',
    match: 'acme',
    limit_usd: 1,
    window: 'day',
    fallback_at: 0.8,
    throttle_at: 0.95,
  };
  return createBudgetLayer({
    sharedState: createMemorySharedState({ now }),
    budgets: () => [budget],
    keyBudget: () => undefined,
    leaseMs: () => 60_000,
    webhook: createBudgetWebhookSender({ logger }),
    logger,
    now,
  });
}
