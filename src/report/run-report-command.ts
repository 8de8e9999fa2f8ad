import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { LedgerStore } from '../ledger/ledger-store.js';
import { PostgresLedgerStore } from '../ledger/postgres-ledger-store.js';
import { SqliteLedgerStore } from '../ledger/sqlite-ledger-store.js';
import { createProgressReporter, type ProgressOutput } from './create-progress-reporter.js';
import { formatUsageCsv } from './format-usage-csv.js';
import { formatUsageTable } from './format-usage-table.js';
import { queryUsage, USAGE_DIMENSIONS, type UsageDimension, type UsageReport } from './query-usage.js';

/** Where the command writes: the report on stdout, progress and errors on stderr. */
export interface ReportCommandIo {
  stdout: ProgressOutput;
  stderr: ProgressOutput;
}

const DEFAULT_LEDGER = './.tollgate/ledger.db';
const DAY_MS = 86_400_000;
/** Slices of the range scanned one after another, so that progress can be shown on long scans. */
const SCAN_SLICES = 20;
const FORMATS = ['table', 'csv', 'json'] as const;

export const REPORT_USAGE = `Usage: tollgate report [options]

Spend from the ledger, grouped, with what the same requests would have cost on the baseline model,
and for batch-priority requests what they cost and saved against live prices.

Options:
  --from ISO               start of the range (default: 30 days before --to)
  --to ISO                 end of the range, exclusive (default: now)
  --by a,b                 group by ${USAGE_DIMENSIONS.join(', ')} (default: model)
  --format FORMAT          table, csv or json (default: table)
  --ledger sqlite:PATH     the SQLite ledger (default: sqlite:${DEFAULT_LEDGER})
  --postgres-url-env VAR   read a PostgreSQL ledger; VAR names the environment variable with its URL
  -h, --help               this text
`;

class UsageError extends Error {}
class MissingLedgerError extends Error {}

interface ReportOptions {
  from: number;
  to: number;
  groupBy: UsageDimension[];
  format: (typeof FORMATS)[number];
  open: () => Promise<LedgerStore>;
}

function parseTime(text: string, flag: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`${flag}: "${text}" is not an ISO date or time (e.g. 2026-08-01)`);
  return time;
}

function parseOptions(argv: string[]): ReportOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      by: { type: 'string' },
      format: { type: 'string' },
      ledger: { type: 'string' },
      'postgres-url-env': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const to = values.to === undefined ? Date.now() : parseTime(values.to, '--to');
  const from = values.from === undefined ? to - 30 * DAY_MS : parseTime(values.from, '--from');
  if (from >= to) throw new UsageError('--from must be before --to');
  const groupBy = (values.by ?? 'model')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const dimension of groupBy) {
    if (!(USAGE_DIMENSIONS as readonly string[]).includes(dimension)) {
      throw new UsageError(`--by: unknown dimension "${dimension}"; use ${USAGE_DIMENSIONS.join(', ')}`);
    }
  }
  const format = FORMATS.find((candidate) => candidate === (values.format ?? 'table'));
  if (!format) throw new UsageError(`--format: use ${FORMATS.join(', ')}`);
  if (values.ledger !== undefined && values['postgres-url-env'] !== undefined) {
    throw new UsageError('give either --ledger or --postgres-url-env, not both');
  }
  const urlVariable = values['postgres-url-env'];
  let open: () => Promise<LedgerStore>;
  if (urlVariable !== undefined) {
    const url = process.env[urlVariable];
    if (!url) throw new UsageError(`--postgres-url-env: the environment variable ${urlVariable} is not set`);
    open = async () => {
      const store = new PostgresLedgerStore({ url, maxConnections: 1 });
      try {
        await store.migrate();
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    };
  } else {
    const path = (values.ledger ?? DEFAULT_LEDGER).replace(/^sqlite:/, '');
    if (!existsSync(path)) {
      throw new MissingLedgerError(`no ledger at ${path}: start the gateway first, or pass --ledger sqlite:PATH`);
    }
    open = async () => new SqliteLedgerStore({ path, mustExist: true });
  }
  return { from, to, groupBy: groupBy as UsageDimension[], format, open };
}

function render(report: UsageReport, format: ReportOptions['format']): string {
  switch (format) {
    case 'table':
      return formatUsageTable(report);
    case 'csv':
      return formatUsageCsv(report);
    case 'json':
      return `${JSON.stringify(
        { ...report, from: new Date(report.from).toISOString(), to: new Date(report.to).toISOString() },
        null,
        2,
      )}\n`;
    default:
      return format satisfies never;
  }
}

/**
 * `tollgate report`: spend over a time range grouped by any of tenant, feature, key, provider,
 * model, route, cache, day and tier, as a table, CSV or JSON. Returns the exit code: 0, 1 when the
 * ledger cannot be read, 2 for wrong arguments.
 */
export async function runReportCommand(argv: string[], io: ReportCommandIo): Promise<number> {
  let options: ReportOptions | 'help';
  try {
    options = parseOptions(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`tollgate report: ${message}\n`);
    if (error instanceof MissingLedgerError) return 1;
    io.stderr.write(`\n${REPORT_USAGE}`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(REPORT_USAGE);
    return 0;
  }
  let store: LedgerStore | undefined;
  const progress = createProgressReporter({ output: io.stderr, label: 'scanning ledger' });
  try {
    store = await options.open();
    const report = await queryUsage(store, {
      from: options.from,
      to: options.to,
      groupBy: options.groupBy,
      slices: SCAN_SLICES,
      onProgress: (done) => progress.update(done),
    });
    progress.finish();
    io.stdout.write(render(report, options.format));
    return 0;
  } catch (error) {
    progress.finish();
    io.stderr.write(
      `tollgate report: cannot read the ledger: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  } finally {
    await store?.close();
  }
}
