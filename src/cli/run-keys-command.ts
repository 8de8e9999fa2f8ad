import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load-config.js';
import { createKeyStore } from '../keys/create-key-store.js';
import { createVirtualKeys, type VirtualKeys } from '../keys/create-virtual-keys.js';
import type { VirtualKeyRecord } from '../keys/key-store.js';
import { GatewayError } from '../spec/index.js';

/** Where the command writes, and the environment it reads (for a PostgreSQL URL). */
export interface KeysCommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  environment?: NodeJS.ProcessEnv;
}

export const KEYS_USAGE = `Usage: tollgate keys <command> [options]

Virtual keys (Authorization: Bearer tg-...): each carries a tenant and optionally its own budget.
Keys are stored hashed beside the ledger (storage.sqlite_path, or PostgreSQL when storage.ledger is
postgres) and shown once, at creation.

Commands:
  create --tenant T [--budget 50/day] [--name N]   make a key; prints it once
  list [--format table|json]                       every key, without secrets
  revoke ID                                        refuse the key from now on

Options:
  -c, --config PATH   tollgate.yaml to read storage settings from (default: ./tollgate.yaml if present)
  -h, --help          this text
`;

function table(records: VirtualKeyRecord[]): string {
  const rows = records.map((record) => [
    record.id,
    record.tenant,
    record.name ?? '',
    record.budget ?? '',
    record.secretHint,
    record.createdAt,
    record.revokedAt === undefined ? 'active' : `revoked ${record.revokedAt}`,
  ]);
  const header = ['ID', 'TENANT', 'NAME', 'BUDGET', 'KEY', 'CREATED', 'STATUS'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

interface KeysOptions {
  command: string;
  ids: string[];
  tenant: string | undefined;
  budget: string | undefined;
  name: string | undefined;
  format: string;
  config: string | undefined;
  help: boolean;
}

class UsageError extends Error {}

function parseOptions(argv: string[]): KeysOptions {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command = '', ...ids] = positionals;
  return {
    command,
    ids,
    tenant: values.tenant,
    budget: values.budget,
    name: values.name,
    format: values.format ?? 'table',
    config: values.config,
    help: values.help ?? false,
  };
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      tenant: { type: 'string' },
      budget: { type: 'string' },
      name: { type: 'string' },
      format: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

async function run(keys: VirtualKeys, options: KeysOptions, io: KeysCommandIo): Promise<number> {
  const { command } = options;
  if (command === 'create') {
    if (!options.tenant) throw new UsageError('create needs --tenant');
    const created = await keys.create({ tenant: options.tenant, budget: options.budget, name: options.name });
    const budget = created.record.budget ? `, budget ${created.record.budget} USD` : '';
    io.stdout.write(`Created ${created.record.id} for tenant ${created.record.tenant}${budget}.\n`);
    io.stdout.write(`\n  ${created.key}\n\nStore this key now: it is not shown again.\n`);
    return 0;
  }
  if (command === 'list') {
    const records = await keys.list();
    if (options.format === 'json') io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    else io.stdout.write(records.length === 0 ? 'No virtual keys.\n' : table(records));
    return 0;
  }
  const id = options.ids[0] as string;
  const record = await keys.revoke(id);
  if (!record) {
    io.stderr.write(`tollgate keys: no key has the id ${id}\n`);
    return 1;
  }
  io.stdout.write(`Revoked ${record.id} (tenant ${record.tenant}) at ${record.revokedAt}.\n`);
  return 0;
}

/** `tollgate keys create|list|revoke`: manages virtual keys in the store the gateway reads. */
export async function runKeysCommand(argv: string[], io: KeysCommandIo): Promise<number> {
  const environment = io.environment ?? process.env;
  let options: KeysOptions;
  try {
    options = parseOptions(argv);
    if (options.help) {
      io.stdout.write(KEYS_USAGE);
      return 0;
    }
    if (!['create', 'list', 'revoke'].includes(options.command)) {
      throw new UsageError(options.command ? `unknown command "${options.command}"` : 'name a command');
    }
    if (options.command === 'revoke' && options.ids.length !== 1) throw new UsageError('revoke takes one key id');
    if (options.command !== 'revoke' && options.ids.length > 0) throw new UsageError(`unexpected ${options.ids[0]}`);
    if (!['table', 'json'].includes(options.format)) throw new UsageError('--format must be table or json');
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`tollgate keys: ${error.message}\n\n${KEYS_USAGE}`);
    return 2;
  }
  const configPath = options.config ?? (existsSync('tollgate.yaml') ? 'tollgate.yaml' : undefined);
  let keys: VirtualKeys | undefined;
  try {
    const { config } = loadConfig({ path: configPath, environment });
    keys = createVirtualKeys({ store: await createKeyStore({ storage: config.storage, environment }) });
    return await run(keys, options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tollgate keys: ${error.message}\n\n${KEYS_USAGE}`);
      return 2;
    }
    if (error instanceof GatewayError || error instanceof ConfigError) {
      io.stderr.write(`tollgate keys: ${error.message}\n`);
      return error instanceof ConfigError ? 2 : 1;
    }
    throw error;
  } finally {
    await keys?.store.close();
  }
}
