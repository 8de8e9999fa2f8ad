import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../config/load-config.js';
import { toGatewayError } from '../../spec/gateway-error.js';
import { fitRouter } from '../learned/fit-router.js';
import { saveRouter } from '../learned/load-router.js';
import type { OutcomeRow } from '../learned/outcome-row.js';
import { readOutcomeFile } from '../learned/read-outcome-file.js';
import { modelsMapFromConfig } from '../learning/models-map-from-config.js';
import { openLedgerReader } from '../learning/open-ledger-reader.js';
import { readPromptLog } from '../learning/prompt-log.js';
import { readLedgerOutcomes } from '../learning/read-ledger-outcomes.js';
import { EXIT, type RouterCommandIo } from './router-command-io.js';

const USAGE =
  'usage: tollgate router fit [DATA...] --out router.json [--models-map FILE]\n' +
  '         [--ledger sqlite:PATH|postgres://URL [--ledger-schema NAME] --prompts PROMPT_LOG] [--config tollgate.yaml]\n';

async function readModelsMap(path: string): Promise<Record<string, string>> {
  const value: unknown = parseYaml(await readFile(path, 'utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${path}: expected a mapping of data model → tier or provider/model`);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [model, target] of entries) {
    if (typeof target !== 'string') throw new Error(`${path}: "${model}" must map to a string`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The gateway's own outcomes: the ledger joined with feedback and the prompt log. */
async function ledgerRows(options: {
  location: string;
  schema: string | undefined;
  promptLog: string;
  io: RouterCommandIo;
}): Promise<OutcomeRow[]> {
  const prompts = await readPromptLog(options.promptLog);
  const opened = await openLedgerReader({
    location: options.location,
    ...(options.schema ? { schema: options.schema } : {}),
  });
  try {
    const outcomes = await readLedgerOutcomes({ reader: opened.reader, prompts });
    options.io.stderr.write(
      `read ${outcomes.rows.length} outcomes from the ledger ${options.location}: ${outcomes.scored} requests with feedback, ` +
        `${outcomes.withoutPrompt} more without a prompt in ${options.promptLog}\n`,
    );
    return outcomes.rows;
  } finally {
    await opened.close();
  }
}

const OPTIONS = {
  out: { type: 'string' },
  'models-map': { type: 'string' },
  ledger: { type: 'string' },
  'ledger-schema': { type: 'string' },
  prompts: { type: 'string' },
  config: { type: 'string' },
} as const;

/**
 * `tollgate router fit [DATA...] --out router.json`: trains the learned router on outcome data —
 * RouterBench `.csv` or `.jsonl` outcome files, and/or the gateway's own ledger (`--ledger`) joined with
 * its `/v1/feedback` scores and the prompt log (`--prompts`, `routing.learning.prompt_log`) — and writes
 * `router.json`. The models map (YAML or JSON, data model → tier or `provider/model`) is stored in the
 * file; `--config` adds the mapping of the config's deployments to its tiers. Returns the exit code.
 */
export async function runRouterFitCommand(argv: readonly string[], io: RouterCommandIo): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true });
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return EXIT.usage;
  }
  const { out, ledger, prompts } = parsed.values;
  if ((parsed.positionals.length === 0 && !ledger) || !out || (ledger !== undefined) !== (prompts !== undefined)) {
    io.stderr.write(USAGE);
    return EXIT.usage;
  }
  try {
    const rows: OutcomeRow[] = [];
    for (const path of parsed.positionals) {
      const fileRows = await readOutcomeFile(path);
      io.stderr.write(`read ${fileRows.length} outcomes from ${path}\n`);
      rows.push(...fileRows);
    }
    if (ledger && prompts) {
      rows.push(
        ...(await ledgerRows({ location: ledger, schema: parsed.values['ledger-schema'], promptLog: prompts, io })),
      );
    }
    const modelsMapPath = parsed.values['models-map'];
    const configPath = parsed.values.config;
    const modelsMap = {
      ...(configPath ? modelsMapFromConfig(loadConfig({ path: configPath, environment: process.env }).config) : {}),
      ...(modelsMapPath ? await readModelsMap(modelsMapPath) : {}),
    };
    const router = fitRouter({
      rows,
      options: { modelsMap, onProgress: (message) => io.stderr.write(`${message}\n`) },
    });
    const file = router.toFile();
    const mapped = modelsMapPath !== undefined || configPath !== undefined;
    const unmapped = file.models.filter((model) => mapped && !(model.id in modelsMap)).map((model) => model.id);
    if (unmapped.length > 0)
      io.stderr.write(`warning: not in the models map (usable by data name only): ${unmapped.join(', ')}\n`);
    await saveRouter({ router, path: out });
    io.stdout.write(
      `wrote ${out}: ${file.models.length} models, ${file.vocabulary.buckets.length} features, ` +
        `${file.training.prompts} prompts, trained in ${file.training.seconds.toFixed(1)} s\n`,
    );
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`router fit failed: ${toGatewayError(error).message}\n`);
    return EXIT.failure;
  }
}
