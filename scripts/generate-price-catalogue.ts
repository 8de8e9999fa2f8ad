// Writes src/pricing/catalogue.json from LiteLLM's price table.
// Usage: npx tsx scripts/generate-price-catalogue.ts [table.json] [--out path]
// Default table: ../shared/data/pricing/litellm_model_prices_2026-08-01.json (relative to the repo root).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPriceCatalogue, formatPriceCatalogue } from '../src/pricing/build-price-catalogue.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_TABLE = resolve(repositoryRoot, '../shared/data/pricing/litellm_model_prices_2026-08-01.json');
const DEFAULT_OUT = resolve(repositoryRoot, 'src/pricing/catalogue.json');

function parseArguments(argv: string[]): { table: string; out: string } {
  let table = DEFAULT_TABLE;
  let out = DEFAULT_OUT;
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--out') {
      const value = argv[index + 1];
      if (value === undefined) throw new Error('--out needs a path');
      out = resolve(value);
      index += 1;
    } else if (argument !== undefined) {
      table = resolve(argument);
    }
  }
  return { table, out };
}

function main(): void {
  const { table, out } = parseArguments(process.argv.slice(2));
  if (!existsSync(table)) {
    console.error(
      `Price table not found: ${table}\n` +
        "It is LiteLLM's model_prices_and_context_window.json, expected in ../shared/data/pricing/ beside the repository.\n" +
        'Pass another path as the first argument: npx tsx scripts/generate-price-catalogue.ts path/to/table.json',
    );
    process.exit(1);
  }
  // The snapshot date is part of the file name; the catalogue states it so users know how old prices are.
  const date = /(\d{4}-\d{2}-\d{2})/.exec(basename(table))?.[1];
  if (date === undefined) {
    console.error(`Cannot tell the snapshot date from the file name ${basename(table)} (expected YYYY-MM-DD in it).`);
    process.exit(1);
  }
  const { catalogue, skipped } = buildPriceCatalogue({
    table: JSON.parse(readFileSync(table, 'utf8')),
    date,
    source: `BerriAI/litellm model_prices_and_context_window.json (MIT), snapshot ${basename(table)}`,
    generatedBy: 'scripts/generate-price-catalogue.ts',
  });
  const text = formatPriceCatalogue(catalogue);
  writeFileSync(out, text);
  console.log(
    `Wrote ${relative(process.cwd(), out)}: ${Object.keys(catalogue.models).length} models, ` +
      `${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, prices as of ${date}` +
      (skipped.length > 0 ? `; skipped ${skipped.length} without per-token prices (${skipped.join(', ')})` : ''),
  );
}

main();
