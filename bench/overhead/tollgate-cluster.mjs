// One Tollgate process per core behind one port (node:cluster), for `bench:overhead --workers N`.
// `tollgate serve` has no --workers yet; this is the smallest launcher that does it, built on the
// library entry `createGateway` from the compiled dist/. Plain JavaScript on purpose: a TypeScript
// loader (tsx) adds a loader thread and its memory to every worker and would distort peak RSS.
//
//   node bench/overhead/tollgate-cluster.mjs --config PATH --port N --workers N [--dist DIR]
//
// The primary accepts connections and hands them to the workers round-robin (node's default on
// Linux); it prints `{"ready":true,"workers":[pids]}` once every worker listens.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    workers: { type: 'string' },
    dist: { type: 'string' },
  },
});
const workers = values.workers ? Number(values.workers) : availableParallelism();
if (!values.config || !values.port || !(Number.isInteger(workers) && workers > 0)) {
  process.stderr.write('usage: tollgate-cluster.mjs --config PATH --port N [--workers N] [--host H]\n');
  process.exit(2);
}

if (cluster.isPrimary) {
  let stopping = false;
  let listening = 0;
  for (let index = 0; index < workers; index++) cluster.fork();
  cluster.on('listening', () => {
    listening++;
    if (listening === workers) {
      const pids = Object.values(cluster.workers ?? {}).map((worker) => worker?.process.pid);
      process.stdout.write(`${JSON.stringify({ ready: true, workers: pids })}\n`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    // A benchmark must not quietly go on with fewer workers than it reports.
    process.stderr.write(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); stopping\n`);
    process.exit(1);
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    cluster.disconnect(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const dist = values.dist ? pathToFileURL(resolve(values.dist)).href : new URL('../../dist', import.meta.url).href;
  const { createGateway } = await import(`${dist}/gateway/create-gateway.js`);
  const gateway = await createGateway({ configPath: values.config });
  await gateway.listen({ host: values.host, port: Number(values.port) });
  const stop = () => {
    gateway.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
