import { createGateway, type CreateGatewayOptions, type Gateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';

/** A gateway on 127.0.0.1 with an ephemeral port; call `close()` in `after`. */
export interface TestGateway {
  gateway: Gateway;
  /** e.g. `http://127.0.0.1:54321` */
  url: string;
  close(): Promise<void>;
}

/** Starts a gateway for a test: silent logs, no provider keys from the real environment. */
export async function startTestGateway(options: CreateGatewayOptions = {}): Promise<TestGateway> {
  const gateway = await createGateway({
    environment: {},
    logger: createLogger({ level: 'silent' }),
    simulation: { sleep: async () => {} },
    ...options,
  });
  const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
  return { gateway, url, close: () => gateway.close() };
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
