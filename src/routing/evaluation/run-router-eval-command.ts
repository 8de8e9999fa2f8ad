import { writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { toGatewayError } from '../../spec/gateway-error.js';
import { readOutcomeFile } from '../learned/read-outcome-file.js';
import { evaluateRouters } from './evaluate-routers.js';
import { formatEvaluationTable, formatQualityBarTable, type NamedEvaluation } from './format-evaluation-table.js';
import { renderCurveSvg } from './render-curve-svg.js';
import { EXIT, type RouterCommandIo } from './router-command-io.js';

const USAGE =
  'usage: tollgate router eval DATA... [--folds 5] [--seed 1] [--premium MODEL] [--svg out.svg] [--json out.json]\n';

/** With several data sets, `out.svg` becomes `out.<data set>.svg`. */
function outputPath(path: string, dataset: string, several: boolean): string {
  if (!several) return path;
  const extension = extname(path);
  return `${path.slice(0, path.length - extension.length)}.${dataset}${extension}`;
}

/**
 * `tollgate router eval DATA... [--folds 5] [--seed 1] [--premium MODEL] [--svg out.svg] [--json out.json]`:
 * cross-validates the learned router against the baselines on each data file, prints a table per file
 * and the quality bar summary, and writes the curves as SVG and the full results as JSON.
 */
export async function runRouterEvalCommand(argv: readonly string[], io: RouterCommandIo): Promise<number> {
  const options = {
    folds: { type: 'string' },
    seed: { type: 'string' },
    premium: { type: 'string' },
    svg: { type: 'string' },
    json: { type: 'string' },
  } as const;
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true });
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return EXIT.usage;
  }
  const folds = Number(parsed.values.folds ?? 5);
  const seed = Number(parsed.values.seed ?? 1);
  if (parsed.positionals.length === 0 || !Number.isInteger(folds) || folds < 2 || !Number.isInteger(seed)) {
    io.stderr.write(USAGE);
    return EXIT.usage;
  }
  const several = parsed.positionals.length > 1;
  const results: NamedEvaluation[] = [];
  try {
    for (const path of parsed.positionals) {
      const name = basename(path, extname(path));
      io.stderr.write(`${name}: reading ${path}\n`);
      const rows = await readOutcomeFile(path);
      const evaluation = evaluateRouters({
        rows,
        folds,
        seed,
        ...(parsed.values.premium ? { premiumModel: parsed.values.premium } : {}),
        onProgress: (message) => io.stderr.write(`${name}: ${message}\n`),
      });
      results.push({ name, evaluation });
      io.stdout.write(`\n## ${name}\n\n${formatEvaluationTable(evaluation)}`);
      if (parsed.values.svg) {
        const svgPath = outputPath(parsed.values.svg, name, several);
        await writeFile(svgPath, renderCurveSvg(evaluation, `${name}: cost–quality (${folds}-fold CV by prompt)`));
        io.stderr.write(`${name}: wrote ${svgPath}\n`);
      }
    }
    io.stdout.write(`\n## Quality bar\n\n${formatQualityBarTable(results)}`);
    if (parsed.values.json) {
      await writeFile(parsed.values.json, `${JSON.stringify(results, null, 2)}\n`);
      io.stderr.write(`wrote ${parsed.values.json}\n`);
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr.write(`router eval failed: ${toGatewayError(error).message}\n`);
    return EXIT.failure;
  }
}
