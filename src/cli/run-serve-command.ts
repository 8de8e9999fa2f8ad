import cluster from 'node:cluster';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load-config.js';
import { createGateway } from '../gateway/create-gateway.js';

/**
 * The primary of `serve --workers N`: forks N gateway processes that share the port (node:cluster
 * hands connections round-robin). Every piece of shared state lives in Redis/PostgreSQL when
 * configured (SPEC §8), so workers need nothing from each other. A worker that dies is replaced.
 */
async function runPrimary(workers: number): Promise<number> {
  let stopping = false;
  for (let index = 0; index < workers; index++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`worker ${worker.process.pid} exited (code ${code}, signal ${signal}); starting another\n`);
    cluster.fork();
  });
  process.on('SIGHUP', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGHUP');
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  await new Promise<void>((resolve) => cluster.disconnect(() => resolve()));
  return 0;
}

/** `tollgate serve [--config PATH] [--port N] [--host H] [--workers N|auto]`: runs the gateway until SIGINT/SIGTERM. */
export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      workers: { type: 'string', short: 'w' },
    },
  });
  if (values.workers !== undefined && cluster.isPrimary) {
    const workers = values.workers === 'auto' ? availableParallelism() : Number(values.workers);
    if (!(Number.isInteger(workers) && workers > 0)) {
      process.stderr.write(`--workers must be a positive number or "auto", not "${values.workers}"\n`);
      return 2;
    }
    if (workers > 1) return runPrimary(workers);
  }
  const configPath = values.config ?? (existsSync('tollgate.yaml') ? 'tollgate.yaml' : undefined);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port < 65_536)) {
    process.stderr.write(`--port must be a port number, not "${values.port}"\n`);
    return 2;
  }
  let gateway: Awaited<ReturnType<typeof createGateway>>;
  try {
    gateway = await createGateway({ configPath });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const url = await gateway.listen({ host: values.host, port });
  gateway.core.logger.info({ url, dashboard: `${url}/dashboard` }, `Tollgate listening on ${url}`);
  process.on('SIGHUP', () => {
    gateway.reload().catch((error: unknown) => {
      gateway.core.logger.error({ err: error }, 'reload rejected; the previous configuration stays');
    });
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gateway.close();
  return 0;
}
