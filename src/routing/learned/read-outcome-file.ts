import type { OutcomeRow } from './outcome-row.js';
import { readOutcomeJsonl } from './read-outcome-jsonl.js';

/** Reads outcome data by file extension: `.csv` is RouterBench, anything else the generic JSONL format. */
export async function readOutcomeFile(path: string): Promise<OutcomeRow[]> {
  if (/\.csv$/i.test(path)) {
    // Imported for a CSV only: csv-parse is not needed by a gateway that never reads one.
    const { readRouterBenchCsv } = await import('./read-routerbench-csv.js');
    return (await readRouterBenchCsv(path)).rows;
  }
  return readOutcomeJsonl(path);
}
