import type { OutcomeRow } from './outcome-row.js';
import { readOutcomeJsonl } from './read-outcome-jsonl.js';
import { readRouterBenchCsv } from './read-routerbench-csv.js';

/** Reads outcome data by file extension: `.csv` is RouterBench, anything else the generic JSONL format. */
export async function readOutcomeFile(path: string): Promise<OutcomeRow[]> {
  if (/\.csv$/i.test(path)) return (await readRouterBenchCsv(path)).rows;
  return readOutcomeJsonl(path);
}
