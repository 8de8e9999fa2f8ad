import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { parseDuration } from '../budgets/budget-window.js';
import { ConfigError, validateConfig } from '../config/load-config.js';
import { type PriceScenario, parseScaleFlag, readPriceScenario } from '../replay/engine/price-scenario.js';
import type { ReplayReport } from '../replay/engine/replay-report.js';
import { VARIANT_NAMES, type VariantName } from '../replay/engine/replay-variants.js';
import { type RunReplayOptions, runReplay } from '../replay/engine/run-replay.js';
import { formatReplayTable } from '../replay/report/format-replay-table.js';
import { renderReplayChart } from '../replay/report/render-replay-chart.js';
import { benchmarkOf, parseRouterBenchPrompts } from '../replay/trace/read-routerbench-trace.js';
import { loadTrace, type TraceSource } from '../replay/trace/read-trace.js';
import { readTraceText } from '../replay/trace/read-trace-text.js';
import { TRACE_FORMATS, type TraceFormat } from '../replay/trace/trace-request.js';
import { GatewayError } from '../spec/index.js';

/** Where a command writes: results on stdout, progress and errors on stderr. */
export interface ReplayCommandIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const REPLAY_USAGE = `Usage: tollgate replay TRACE... [options]
       tollgate replay --from-ledger sqlite:PATH|postgres [--from ISO] [--to ISO] [options]

What-if: replays recorded requests through the gateway's real routing, caching, budget and
accounting code against simulated providers priced from the catalogue, on a virtual clock, and
compares four configurations: baseline (everything to the baseline model, no cache), cache only,
routing only, and full.

Traces (detected from the content, or --format):
  openai       request JSONL: a Chat Completions body per line, optional timestamp, tenant,
               feature, headers, outcomes (quality per tier, 0-1); .jsonl.gz too
  ledger       the gateway's ledger: --from-ledger sqlite:PATH, --from-ledger postgres (URL from
               --postgres-url-env, default TOLLGATE_POSTGRES_URL), or a JSONL export
  routerbench  RouterBench CSV files (prompts with per-model scores and costs: quality measured)
  azure        Azure LLM trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens: sizes only)
  mooncake     Mooncake JSONL (timestamp, input_length, output_length, hash_ids: prefix blocks)

Options:
  --config PATH            tollgate.yaml to derive the configurations from
                           (default: a built-in line-up of simulated providers at catalogue prices)
  --prices PATH            price scenario YAML: pricing: {model: {input_per_mtok, ...}},
                           scale: {provider: {NAME: F}, model: {NAME: F}, location: {cloud: F}, all: F}
  --scale SPEC             provider=NAME:F, model=NAME:F, location=cloud|local:F or all:F
                           (repeatable; e.g. --scale provider=deepseek:2)
  --configs LIST           which of cache,routing,full to run beside the baseline (default: all)
  --format FORMAT          ${TRACE_FORMATS.join(', ')}
  --limit N                replay only the first N requests
  --duration D             replay only the first D of the trace (e.g. 10m, 1h)
  --rate R                 arrivals per second for traces without times (default 1)
  --requests-per-month N   project the monthly bill from this volume
  --tiers T=MODEL,...      RouterBench: the model each tier stands for
  --cross-fit K            RouterBench: fit the learned router on K-1 folds, replay the K-th, for each
  --postgres-url-env VAR   with --from-ledger postgres: the environment variable holding the URL
  --out PREFIX             write PREFIX.json and PREFIX.svg (default: .tollgate/replay/<trace>)
  --json                   print the JSON report instead of the table
  --seed N                 seed of the simulated providers (default 1)
  --workers N              worker processes (default: one per core, at most 8, for large replays;
                           1 replays in this process)
  -h, --help               this text
`;

class UsageError extends Error {}

function positiveNumber(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!(value > 0)) throw new UsageError(`${flag}: "${text}" is not a positive number`);
  return value;
}

function parseTime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Date.parse(text);
  if (Number.isNaN(value)) throw new UsageError(`${flag}: "${text}" is not an ISO date or time`);
  return value;
}

function parseTiers(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const tiers: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--tiers: "${pair}" is not TIER=MODEL`);
    tiers[pair.slice(0, at).trim()] = pair.slice(at + 1).trim();
  }
  return tiers;
}

function parseVariants(text: string | undefined): VariantName[] | undefined {
  if (text === undefined) return undefined;
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!(VARIANT_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--configs: unknown "${name}"; use ${VARIANT_NAMES.slice(1).join(', ')}`);
    }
  }
  return names as VariantName[];
}

async function readConfigDocument(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the configuration file ${path}: ${(error as Error).message}`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
}

/** Writes the JSON report and the chart; returns their paths. */
export async function writeReplayOutputs(report: ReplayReport, prefix: string): Promise<string[]> {
  await mkdir(dirname(prefix), { recursive: true });
  const json = `${prefix}.json`;
  const svg = `${prefix}.svg`;
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`, 'utf8');
  await writeFile(svg, renderReplayChart(report), 'utf8');
  return [json, svg];
}

function defaultPrefix(name: string): string {
  const stem = basename(name)
    .replace(/\.(jsonl|json|csv|db)(\.gz)?$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  return join('.tollgate', 'replay', stem || 'trace');
}

/**
 * `tollgate replay`: reads a trace, replays it through four configurations derived from the config (or
 * the built-in default) and prints the comparison; writes it as JSON and an SVG chart. Exit code 0, 1
 * when the replay fails, 2 for wrong arguments.
 */
export async function runReplayCommand(argv: string[], io: ReplayCommandIo): Promise<number> {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(argv));
  } catch (error) {
    io.stderr.write(`tollgate replay: ${(error as Error).message}\n\n${REPLAY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout.write(REPLAY_USAGE);
    return 0;
  }
  try {
    const format = values.format as TraceFormat | undefined;
    if (format !== undefined && !(TRACE_FORMATS as readonly string[]).includes(format)) {
      throw new UsageError(`--format: use ${TRACE_FORMATS.join(', ')}`);
    }
    const ledger = values['from-ledger'];
    if (values['postgres-url-env'] !== undefined && ledger !== 'postgres') {
      throw new UsageError('--postgres-url-env goes with --from-ledger postgres');
    }
    const sources =
      ledger === 'postgres' ? [`postgres:${values['postgres-url-env'] ?? ''}`] : ledger ? [ledger] : positionals;
    if (sources.length === 0) throw new UsageError('give a TRACE file, or --from-ledger sqlite:PATH|postgres');
    if (ledger && ledger !== 'postgres' && !ledger.startsWith('sqlite:') && format === undefined) {
      values.format = 'ledger';
    }
    const durationMs = values.duration === undefined ? undefined : parseDuration(values.duration);
    if (values.duration !== undefined && durationMs === undefined) {
      throw new UsageError(`--duration: "${values.duration}" is not a duration such as 10m or 1h`);
    }
    const config = values.config === undefined ? undefined : await readConfigDocument(values.config);
    const delimiter =
      config === undefined
        ? undefined
        : validateConfig({ document: config, source: values.config ?? '', environment: process.env }).config.cache
            .prefix.delimiter;
    const ratePerSecond = positiveNumber(values.rate, '--rate');
    const tierModels = parseTiers(values.tiers);
    let scenario: PriceScenario | undefined = values.prices ? await readPriceScenario(values.prices) : undefined;
    const scales = (values.scale ?? []).map(parseScaleFlag);
    if (scales.length > 0) {
      scenario = {
        name: scenario?.name ?? 'scenario',
        pricing: scenario?.pricing ?? {},
        scales: [...(scenario?.scales ?? []), ...scales],
      };
    }
    const requestsPerMonth = positiveNumber(values['requests-per-month'], '--requests-per-month');
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) {
      throw new UsageError(`--workers: "${values.workers}" is not a positive integer`);
    }
    const variants = parseVariants(values.configs);
    const common: Omit<RunReplayOptions, 'trace'> = {
      progress: io.stderr,
      ...(config === undefined ? {} : { config, configSource: values.config }),
      ...(scenario ? { scenario } : {}),
      ...(variants ? { variants } : {}),
      ...(requestsPerMonth === undefined ? {} : { requestsPerMonth }),
      ...(seed === undefined || Number.isNaN(seed) ? {} : { seed }),
      ...(workers === undefined ? {} : { threads: workers }),
    };
    let report: ReplayReport;
    const crossFit = values['cross-fit'] === undefined ? undefined : Number(values['cross-fit']);
    if (crossFit !== undefined) {
      if (!(Number.isInteger(crossFit) && crossFit >= 2))
        throw new UsageError('--cross-fit: use an integer of at least 2');
      const prompts = [];
      for (const path of sources)
        prompts.push(...parseRouterBenchPrompts(await readTraceText(path), benchmarkOf(path)));
      // Loaded only for cross-fitting: the learned router's fitting code is not needed otherwise.
      const { runCrossFittedReplay } = await import('../replay/routerbench/run-cross-fitted-replay.js');
      report = await runCrossFittedReplay({
        ...common,
        prompts: values.limit === undefined ? prompts : prompts.slice(0, Number(values.limit)),
        name: sources.map((path) => basename(path)).join(' + '),
        folds: crossFit,
        ...(tierModels ? { tierModels } : {}),
        ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
        onStep: (message) => io.stderr.write(`${message}\n`),
      });
    } else {
      const source: TraceSource = {
        paths: sources,
        read: {
          ...((format ?? values.format) ? { format: (format ?? values.format) as TraceFormat } : {}),
          ...(ratePerSecond === undefined ? {} : { ratePerSecond }),
          ...(tierModels ? { tierModels } : {}),
          ...(delimiter ? { delimiter } : {}),
          ledgerRange: {
            ...(values.from ? { from: parseTime(values.from, '--from') } : {}),
            ...(values.to ? { to: parseTime(values.to, '--to') } : {}),
          },
        },
        slice: {
          ...(values.limit === undefined ? {} : { limit: positiveNumber(values.limit, '--limit') }),
          ...(durationMs === undefined ? {} : { durationMs }),
        },
      };
      const trace = await loadTrace(source);
      io.stderr.write(`Replaying ${trace.requests.length.toLocaleString('en-US')} requests of ${trace.name}…\n`);
      report = await runReplay({ ...common, trace, source });
    }
    const written = await writeReplayOutputs(report, values.out ?? defaultPrefix(report.trace.name));
    if (values.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(`${formatReplayTable(report)}Written: ${written.join(', ')}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`tollgate replay: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof GatewayError) {
      io.stderr.write(`tollgate replay: ${error.message}\n`);
      return error instanceof GatewayError && error.code === 'invalid_request' ? 2 : 1;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      prices: { type: 'string' },
      scale: { type: 'string', multiple: true },
      configs: { type: 'string' },
      format: { type: 'string' },
      'from-ledger': { type: 'string' },
      'postgres-url-env': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      duration: { type: 'string' },
      rate: { type: 'string' },
      'requests-per-month': { type: 'string' },
      tiers: { type: 'string' },
      'cross-fit': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
