/**
 * `npm run eval:router`: the quality-bar evaluation of issue 5 on the three RouterBench files in
 * `../shared/data/routing/` (relative to the project root). Prints a table per file and the quality
 * bar summary; writes the SVG charts and the JSON results under `.tollgate/router-eval/`.
 * Extra arguments (`--seed 2`, `--folds 10`) are passed on to `tollgate router eval`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runRouterEvalCommand } from './run-router-eval-command.js';

const DATA_DIRECTORY = resolve('..', 'shared', 'data', 'routing');
const FILES = ['arc_challenge', 'mbpp', 'winograde'].map((name) =>
  join(DATA_DIRECTORY, `routerbench_${name}_train.csv`),
);
const OUTPUT_DIRECTORY = resolve('.tollgate', 'router-eval');

const missing = FILES.filter((file) => !existsSync(file));
if (missing.length > 0) {
  process.stderr.write(
    `RouterBench data not found: ${missing.join(', ')}\n` +
      'The evaluation reads ../shared/data/routing/routerbench_{arc_challenge,mbpp,winograde}_train.csv ' +
      'relative to the project root (see ../shared/data/README.md); run it from the project root.\n',
  );
  process.exit(1);
}
mkdirSync(OUTPUT_DIRECTORY, { recursive: true });
process.exitCode = await runRouterEvalCommand(
  [
    ...FILES,
    '--svg',
    join(OUTPUT_DIRECTORY, 'curve.svg'),
    '--json',
    join(OUTPUT_DIRECTORY, 'results.json'),
    ...process.argv.slice(2),
  ],
  { stdout: process.stdout, stderr: process.stderr },
);
