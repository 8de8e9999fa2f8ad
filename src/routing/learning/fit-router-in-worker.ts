import { Worker } from 'node:worker_threads';
import { GatewayError } from '../../spec/index.js';
import type { FitRouterOptions } from '../learned/fit-router.js';
import { LearnedRouter } from '../learned/learned-router.js';
import type { OutcomeRow } from '../learned/outcome-row.js';
import { parseRouterFile } from '../learned/router-file.js';

// Built code runs the compiled worker; under tsx (tests, scripts) the TypeScript one, with tsx loaded
// in the worker too (a worker thread does not inherit the parent's module hooks).
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './fit-router-worker.ts' : './fit-router-worker.js', import.meta.url);

/**
 * Fits the learned router in a worker thread: a refit on tens of thousands of outcomes takes seconds
 * of CPU, which must not stall the gateway's event loop.
 */
export function fitRouterInWorker(input: {
  rows: readonly OutcomeRow[];
  options: Omit<FitRouterOptions, 'onProgress'>;
}): Promise<LearnedRouter> {
  return new Promise((resolve, reject) => {
    const workerData = { rows: input.rows, options: input.options };
    const worker = FROM_SOURCE
      ? new Worker(
          `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL.href)}); })`,
          { eval: true, workerData },
        )
      : new Worker(WORKER_URL, { workerData });
    let settled = false;
    worker.once('message', (message: { ok: true; file: unknown } | { ok: false; message: string }) => {
      settled = true;
      if (message.ok) {
        try {
          resolve(new LearnedRouter(parseRouterFile(message.file)));
        } catch (error) {
          reject(error);
        }
      } else {
        reject(new GatewayError({ code: 'invalid_request', message: `Router refit failed: ${message.message}` }));
      }
      void worker.terminate();
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new GatewayError({ code: 'internal', message: `Router refit worker exited (${code})` }));
      settled = true;
    });
  });
}
