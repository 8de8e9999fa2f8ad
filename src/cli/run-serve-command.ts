import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/load-config.js';
import { createGateway } from '../gateway/create-gateway.js';

/** `tollgate serve [--config PATH] [--port N] [--host H]`: runs the gateway until SIGINT/SIGTERM. */
export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string', short: 'c' },
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
    },
  });
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
