import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One request of the Mooncake conversation trace. */
export interface TraceRequest {
  /** Arrival, ms from the start of the trace. */
  timestamp: number;
  inputTokens: number;
  outputTokens: number;
  /** One id per 512-token block of the prompt; equal ids mean equal prefixes up to that block. */
  blockIds: number[];
}

/** Tokens per block in the Mooncake trace. */
export const TRACE_BLOCK_TOKENS = 512;

/** The project root, two folders above this file. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads `../shared/data/traces/mooncake_conversation.jsonl` (or under `TOLLGATE_DATA_DIR`), exiting with a clear message when absent. */
export function loadMooncakeTrace(): { path: string; requests: TraceRequest[] } {
  const base = process.env.TOLLGATE_DATA_DIR ?? join(PROJECT_ROOT, '..', 'shared', 'data');
  const path = join(base, 'traces', 'mooncake_conversation.jsonl');
  if (!existsSync(path)) {
    console.error(
      `Missing trace: ${path}\nThis benchmark replays the Mooncake conversation trace from ../shared/data/traces/ beside the project;\n` +
        'put the data folder there or point TOLLGATE_DATA_DIR at it.',
    );
    process.exit(2);
  }
  const requests = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const raw = JSON.parse(line) as {
        timestamp: number;
        input_length: number;
        output_length: number;
        hash_ids: number[];
      };
      return {
        timestamp: raw.timestamp,
        inputTokens: raw.input_length,
        outputTokens: raw.output_length,
        blockIds: raw.hash_ids,
      };
    });
  return { path, requests };
}
