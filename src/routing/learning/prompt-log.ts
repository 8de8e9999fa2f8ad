import { createReadStream, createWriteStream, existsSync, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { GatewayError } from '../../spec/index.js';

/** One line of the prompt log. */
export interface PromptLogEntry {
  /** The gateway's request id (the ledger's key). */
  requestId: string;
  /** Epoch milliseconds. */
  at: number;
  /** The text the router classifies (the task: the last user turn after a little of the earlier ones). */
  prompt: string;
  /** Cheaper answers a cascade rejected for this request: each is an outcome with score 0. */
  rejected?: { model: string; failure: string; costUsd: number }[];
}

/** An append-only JSONL file of prompts by request id; the ledger itself keeps no prompt text. */
export interface PromptLog {
  readonly path: string;
  /** Appends one entry (buffered; never throws). */
  record(entry: PromptLogEntry): void;
  /** Resolves once every entry recorded so far is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens (creating it with its folder) the prompt log that `tollgate router fit --ledger` joins with
 * the ledger by request id. It holds users' prompts, so it exists only when `routing.learning.prompt_log`
 * names it. Writes are buffered by the stream; a write error is reported once through `onError`.
 */
export function createPromptLog(options: { path: string; onError?: (error: Error) => void }): PromptLog {
  mkdirSync(dirname(options.path), { recursive: true });
  let failed = false;
  const stream: WriteStream = createWriteStream(options.path, { flags: 'a' });
  stream.on('error', (error) => {
    if (!failed) options.onError?.(error);
    failed = true;
  });
  return {
    path: options.path,
    record(entry) {
      if (failed) return;
      stream.write(`${JSON.stringify(entry)}\n`);
    },
    // Writes complete in order, so an empty write's callback means everything before it is written.
    flush: () =>
      new Promise((resolve) => {
        if (failed || stream.destroyed) resolve();
        else stream.write('', () => resolve());
      }),
    close: () =>
      new Promise((resolve) => {
        if (stream.closed || stream.destroyed) resolve();
        else stream.end(() => resolve());
      }),
  };
}

/** Reads a prompt log into a map from request id to its entry (a later line for the same id wins). */
export async function readPromptLog(path: string): Promise<Map<string, PromptLogEntry>> {
  if (!existsSync(path)) {
    throw new GatewayError({ code: 'invalid_request', message: `No prompt log at ${path}` });
  }
  const prompts = new Map<string, PromptLogEntry>();
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // A line cut by a crash is the only expected damage: skip it rather than lose the whole log.
      continue;
    }
    const entry = value as Partial<PromptLogEntry>;
    if (typeof entry.requestId === 'string' && typeof entry.prompt === 'string' && entry.prompt !== '') {
      prompts.set(entry.requestId, {
        requestId: entry.requestId,
        at: typeof entry.at === 'number' ? entry.at : 0,
        prompt: entry.prompt,
        ...(Array.isArray(entry.rejected) ? { rejected: entry.rejected } : {}),
      });
    }
  }
  return prompts;
}
