import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The shipped demo trace's file name. */
export const DEMO_TRACE_FILE = 'support-and-coding.jsonl.gz';

/**
 * Where the shipped demo trace is: beside this module under `src/`, or, when running the compiled
 * `dist/` (where the compiler copies no data files), in the package's `src/demo/traces/`.
 */
export function demoTracePath(): string {
  const candidates = [
    new URL(`./traces/${DEMO_TRACE_FILE}`, import.meta.url),
    new URL(`../../src/demo/traces/${DEMO_TRACE_FILE}`, import.meta.url),
  ].map((url) => fileURLToPath(url));
  return candidates.find((path) => existsSync(path)) ?? (candidates[0] as string);
}
