import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, type CreateGatewayOptions, type Gateway } from '../../src/gateway/create-gateway.js';
import { createLedger } from '../../src/ledger/create-ledger.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { createLogger } from '../../src/logging/create-logger.js';

/** A gateway on 127.0.0.1 with an ephemeral port; call `close()` in `after`. */
export interface TestGateway {
  gateway: Gateway;
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  /** The gateway's ledger (a SQLite file in a temp folder unless the test gave one). */
  ledger: Ledger;
  close(): Promise<void>;
}

/** Starts a gateway for a test: silent logs, no provider keys from the real environment, a private ledger. */
export async function startTestGateway(options: CreateGatewayOptions = {}): Promise<TestGateway> {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-test-'));
  const ownLedger = options.ledger
    ? undefined
    : await createLedger({ kind: 'sqlite', path: join(directory, 'ledger.db') });
  const ledger = options.ledger ?? (ownLedger as Ledger);
  // Everything a gateway keeps on disk (key store beside the ledger) goes in the test's own folder.
  const document = (options.config ?? {}) as Record<string, unknown>;
  const storage = { sqlite_path: join(directory, 'ledger.db'), ...(document.storage as Record<string, unknown> | undefined) };
  const config = options.configPath === undefined ? { ...document, storage } : undefined;
  const gateway = await createGateway({
    environment: {},
    logger: createLogger({ level: 'silent' }),
    simulation: { sleep: async () => {} },
    batch: false,
    ...options,
    ...(config === undefined ? {} : { config }),
    ledger,
  });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return {
    gateway,
    url,
    ledger,
    close: async () => {
      await gateway.close();
      await ownLedger?.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/** A config with simulated providers speaking each wire protocol, for cross-protocol tests. */
export function twoProtocolConfig(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    providers: [
      {
        name: 'sim-openai',
        kind: 'simulated',
        simulation: { protocol: 'openai', ttft_ms: 0 },
        models: [
          { name: 'oa-small', price_as: 'gpt-5.4-nano', capabilities: ['tools', 'json_mode', 'streaming'] },
          { name: 'oa-embed', price_as: 'text-embedding-3-small', capabilities: ['embeddings'] },
        ],
      },
      {
        name: 'sim-anthropic',
        kind: 'simulated',
        simulation: { protocol: 'anthropic', ttft_ms: 0 },
        models: [{ name: 'an-small', price_as: 'claude-haiku-4-5', capabilities: ['tools', 'json_mode', 'streaming'] }],
      },
    ],
    tiers: { fast: { deployments: ['sim-openai/oa-small'] }, premium: { deployments: ['sim-anthropic/an-small'] } },
    ...extra,
  };
}
