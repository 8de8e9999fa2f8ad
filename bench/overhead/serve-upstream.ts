/**
 * Child-process entry of the mock upstream, so that it does not share an event loop with the load
 * generator: `node --import tsx bench/overhead/serve-upstream.ts instant|simulated`. Prints one JSON
 * line `{"url": "http://127.0.0.1:PORT/v1"}` when it listens and runs until SIGTERM.
 */
import { startSimulatedServer } from '../../src/providers/simulated/start-simulated-server.js';
import { startInstantMock } from './start-instant-mock.js';

const kind = process.argv[2] ?? 'instant';
if (kind !== 'instant' && kind !== 'simulated') {
  process.stderr.write('usage: serve-upstream.ts instant|simulated\n');
  process.exit(2);
}
const server =
  kind === 'instant'
    ? await startInstantMock({ host: '127.0.0.1', port: 0 })
    : await startSimulatedServer({
        host: '127.0.0.1',
        port: 0,
        ttftMs: 0,
        tokensPerSecond: Number.POSITIVE_INFINITY,
        sleep: async () => {},
      });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
process.once('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
