/** Worker thread body of `fitRouterInWorker`: fits a router on the rows it was given and posts the file back. */
import { parentPort, workerData } from 'node:worker_threads';
import { type FitRouterOptions, fitRouter } from '../learned/fit-router.js';
import type { OutcomeRow } from '../learned/outcome-row.js';

const input = workerData as { rows: OutcomeRow[]; options: Omit<FitRouterOptions, 'onProgress'> };
try {
  parentPort?.postMessage({ ok: true, file: fitRouter({ rows: input.rows, options: input.options }).toFile() });
} catch (error) {
  parentPort?.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
}
