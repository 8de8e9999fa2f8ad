// A gateway with the batch lane, as its own process, for the kill-and-restart test:
//   node --import tsx test/batch/serve-batch-gateway.ts <folder>
// The ledger and the job store live in <folder>; the provider is simulated and slow (100 ms to the
// first token), so a batch takes long enough to be killed half-way. Prints `listening <url>` once ready.
import { join } from 'node:path';
import { createGateway } from '../../src/gateway/create-gateway.js';
import { createLogger } from '../../src/logging/create-logger.js';

const folder = process.argv[2];
if (!folder) throw new Error('usage: serve-batch-gateway.ts <folder>');

const gateway = await createGateway({
  environment: {},
  logger: createLogger({ level: 'silent' }),
  config: {
    storage: { sqlite_path: join(folder, 'ledger.db') },
    providers: [
      {
        name: 'slow',
        kind: 'simulated',
        simulation: { ttft_ms: 100, tokens_per_second: 400 },
        models: [{ name: 'slow-model', price_as: 'gpt-5.4-mini' }],
      },
    ],
    tiers: { fast: { deployments: ['slow/slow-model'] } },
    batch: { concurrency: 4, lease_ms: 1_000, poll_interval_ms: 100, provider_batches: { enabled: false } },
  },
});
const url = await gateway.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${url}\n`);

process.once('SIGTERM', () => {
  void gateway.close().then(() => process.exit(0));
});
