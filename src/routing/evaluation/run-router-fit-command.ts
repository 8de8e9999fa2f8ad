import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { toGatewayError } from '../../spec/gateway-error.js';
import { fitRouter } from '../learned/fit-router.js';
import { saveRouter } from '../learned/load-router.js';
import type { OutcomeRow } from '../learned/outcome-row.js';
import { readOutcomeFile } from '../learned/read-outcome-file.js';
import { EXIT, type RouterCommandIo } from './router-command-io.js';

const USAGE = 'usage: tollgate router fit DATA... --out router.json [--models-map FILE]\n';

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

/**
 * `tollgate router fit DATA... --out router.json [--models-map FILE]`: trains the learned router on
 * outcome data (RouterBench `.csv`, or `.jsonl` outcomes) and writes `router.json`. The models map
 * (YAML or JSON, data model → tier or `provider/model`) is stored in the file. Returns the exit code.
 */
export async function runRouterFitCommand(argv: readonly string[], io: RouterCommandIo): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ options: { out: { type: 'string' }; 'models-map': { type: 'string' } }; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, 'models-map': { type: 'string' } },
      allowPositionals: true,
    });
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return EXIT.usage;
  }
  const out = parsed.values.out;
  if (parsed.positionals.length === 0 || !out) {
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
    const modelsMapPath = parsed.values['models-map'];
    const modelsMap = modelsMapPath ? await readModelsMap(modelsMapPath) : {};
    const router = fitRouter({
      rows,
      options: { modelsMap, onProgress: (message) => io.stderr.write(`${message}\n`) },
    });
    const file = router.toFile();
    const unmapped = file.models.filter((model) => modelsMapPath && !(model.id in modelsMap)).map((model) => model.id);
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
