import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { GatewayError } from '../../spec/gateway-error.js';
import { decodePythonStringList } from './decode-python-string-list.js';
import type { OutcomeRow } from './outcome-row.js';

const COST_SUFFIX = '|total_cost';

/** What a RouterBench file held besides its rows. */
export interface RouterBenchParseResult {
  /** One row per prompt and model with both a score and a cost. */
  rows: OutcomeRow[];
  /** The models found (score column with a matching `|total_cost` column). */
  models: string[];
  /** Cells left out because the score or the cost was empty or not a number. */
  skippedCells: number;
}

function toNumber(cell: string | undefined): number | undefined {
  if (cell === undefined || cell.trim() === '') return undefined;
  const value = Number(cell);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Parses RouterBench outcome data: a CSV with a `prompt` column (the `repr()` of a Python list of
 * turns, decoded here), and per model a score column named like the model and a `<model>|total_cost`
 * column. Response and oracle columns are ignored. Quoted fields may hold newlines and doubled quotes.
 */
export function parseRouterBenchCsv(text: string): RouterBenchParseResult {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, bom: true, skip_empty_lines: true, relax_column_count: false });
  } catch (error) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `RouterBench CSV could not be parsed: ${error instanceof Error ? error.message : String(error)}`,
      cause: error,
    });
  }
  const header = records[0] ? Object.keys(records[0]) : [];
  if (!header.includes('prompt')) {
    throw new GatewayError({ code: 'invalid_request', message: 'RouterBench CSV has no "prompt" column' });
  }
  const models = header.filter((column) => !column.includes('|') && header.includes(`${column}${COST_SUFFIX}`));
  if (models.length === 0) {
    throw new GatewayError({
      code: 'invalid_request',
      message: 'RouterBench CSV has no model columns (a score column "<model>" with a "<model>|total_cost" column)',
    });
  }
  const rows: OutcomeRow[] = [];
  let skippedCells = 0;
  for (const record of records) {
    const prompt = decodePythonStringList(record.prompt ?? '');
    if (prompt.trim() === '') continue;
    for (const model of models) {
      const score = toNumber(record[model]);
      const costUsd = toNumber(record[`${model}${COST_SUFFIX}`]);
      if (score === undefined || costUsd === undefined) {
        skippedCells += 1;
        continue;
      }
      rows.push({ prompt, model, score, costUsd });
    }
  }
  return { rows, models, skippedCells };
}

/** Reads and parses a RouterBench CSV file (see {@link parseRouterBenchCsv}). */
export async function readRouterBenchCsv(path: string): Promise<RouterBenchParseResult> {
  return parseRouterBenchCsv(await readFile(path, 'utf8'));
}
