import { basename } from 'node:path';
import { GatewayError } from '../../spec/index.js';
import { blockText } from './filler-text.js';
import { readTraceText } from './read-trace-text.js';
import { CONTENT_FREE_HEADERS, ONE_MESSAGE_OVERHEAD_TOKENS, syntheticBody } from './synthetic-body.js';
import { TRACE_EPOCH_MS } from './trace-clock.js';
import type { Trace, TraceRequest } from './trace-request.js';

/** Tokens per Mooncake hash block. */
export const MOONCAKE_BLOCK_TOKENS = 512;

/** The prefix-cache delimiter the gateway looks for by default (`cache.prefix.delimiter`). */
export const DEFAULT_PREFIX_DELIMITER = '---CACHE_BREAK---';

/** A 53-bit key for a sequence of block ids, extended one id at a time. */
function extendKey(key: number, id: number): number {
  const high = Math.imul((key / 2 ** 21) ^ id, 0x9e3779b1) >>> 0;
  const low = (Math.imul((key % 2 ** 21) + id * 31, 0x85ebca6b) >>> 11) & 0x1fffff;
  return high * 2 ** 21 + low;
}

interface MooncakeRow {
  timestamp: number;
  input_length: number;
  output_length: number;
  hash_ids: number[];
}

function parseRow(raw: string, line: number, name: string): MooncakeRow {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new GatewayError({ code: 'invalid_request', message: `${name} line ${line}: not JSON` });
  }
  const row = value as Partial<MooncakeRow>;
  const ok =
    typeof row === 'object' &&
    row !== null &&
    Number.isFinite(row.timestamp) &&
    Number.isInteger(row.input_length) &&
    Number.isInteger(row.output_length) &&
    Array.isArray(row.hash_ids) &&
    row.hash_ids.every((id) => Number.isInteger(id));
  if (!ok) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${name} line ${line}: expected { timestamp, input_length, output_length, hash_ids }`,
    });
  }
  return row as MooncakeRow;
}

/**
 * Parses a Mooncake trace (`{ timestamp (ms), input_length, output_length, hash_ids }` per line), where
 * each hash id names a 512-token block and equal ids mean equal content. Each request becomes one user
 * message whose parts are the blocks' texts (the same id, the same text), so shared ids become shared
 * text prefixes for the providers' prefix caches. Two delimiters mark what an application knows is
 * stable: the end of the history this request shares with earlier ones, and the end of the prompt (the
 * next turn's history); the gateway turns them into Anthropic `cache_control` breakpoints when prefix
 * caching is on, and removes them for OpenAI-style providers, which cache prefixes by themselves.
 */
export function parseMooncakeTrace(text: string, options: { name: string; delimiter?: string }): Trace {
  const delimiter = options.delimiter ?? DEFAULT_PREFIX_DELIMITER;
  const seen = new Set<number>();
  /** The partial last block of an earlier prompt, by the key of the full blocks before it. */
  const partials = new Map<number, { id: number; tokens: number }>();
  /** Blocks whose text begins with an earlier prompt's partial last block (see below). */
  const donors = new Map<number, { id: number; tokens: number }>();
  // A continued block is two parts: where the earlier prompt ended is a content-block boundary, as
  // the end of a message is, so that a provider looking back over block boundaries finds it.
  const partsOf = (id: number, tokens: number): string[] => {
    const donor = donors.get(id);
    if (!donor) return [blockText({ id, tokens })];
    const head = partsOf(donor.id, Math.min(tokens, donor.tokens)).join('');
    return tokens > donor.tokens ? [head, blockText({ id, tokens: tokens - donor.tokens })] : [head];
  };
  const requests: TraceRequest[] = [];
  let longestOutputTokens = 1;
  const lines = text.split('\n');
  for (const [position, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const row = parseRow(raw, position + 1, options.name);
    const ids = row.hash_ids;
    const keys: number[] = [];
    let key = 0;
    let shared = 0;
    for (const [blockIndex, id] of ids.entries()) {
      key = extendKey(key, id);
      keys.push(key);
      if (seen.has(key) && shared === blockIndex) shared = blockIndex + 1;
      seen.add(key);
    }
    const lastTokens = Math.max(
      1,
      row.input_length - ONE_MESSAGE_OVERHEAD_TOKENS - MOONCAKE_BLOCK_TOKENS * Math.max(0, ids.length - 1),
    );
    // A block's id hashes all its 512 tokens, so the next turn of a conversation, which repeats the
    // previous prompt and goes on, gets a new id for the block that held the previous prompt's partial
    // last block, though that block begins with the same text. When a prompt's first k blocks are an
    // earlier prompt's full blocks and that prompt had a partial block k, this prompt's block k begins
    // with its text, so that the shared prefix runs on to where the earlier prompt ended, as it did.
    // (A heuristic: an id sequence cannot say that the text went on, only that the blocks did.)
    // Only past the first block: every request of the trace begins with block 0 (a shared system
    // prompt), so sharing it alone says nothing of which earlier prompt this one continues.
    const continued = shared < ids.length && shared > 1 ? partials.get(keys[shared - 1] as number) : undefined;
    const continuedId = ids[shared];
    if (continued && continuedId !== undefined && continuedId !== continued.id && !donors.has(continuedId)) {
      donors.set(continuedId, continued);
    }
    if (ids.length > 1 && lastTokens < MOONCAKE_BLOCK_TOKENS) {
      partials.set(keys[ids.length - 2] as number, { id: ids[ids.length - 1] as number, tokens: lastTokens });
    }
    const index = requests.length;
    longestOutputTokens = Math.max(longestOutputTokens, row.output_length);
    requests.push({
      index,
      atMs: TRACE_EPOCH_MS + row.timestamp,
      body: () => {
        const parts: string[] = [];
        ids.forEach((id, blockIndex) => {
          const last = blockIndex === ids.length - 1;
          parts.push(...partsOf(id, last ? Math.min(lastTokens, MOONCAKE_BLOCK_TOKENS) : MOONCAKE_BLOCK_TOKENS));
          if (blockIndex + 1 === shared && !last) parts.push(delimiter);
        });
        parts.push(delimiter);
        return syntheticBody({ parts, maxTokens: row.output_length });
      },
      headers: { ...CONTENT_FREE_HEADERS },
    });
  }
  if (requests.length === 0) throw new GatewayError({ code: 'invalid_request', message: `${options.name}: no rows` });
  requests.sort((a, b) => a.atMs - b.atMs || a.index - b.index);
  requests.forEach((request, index) => {
    request.index = index;
  });
  return {
    name: options.name,
    format: 'mooncake',
    requests,
    contentFree: true,
    sharedPrefixes: true,
    delimiter,
    longestOutputTokens,
    notes: [
      'Prefix blocks only: each 512-token hash block is synthetic filler, equal ids equal text, so provider prefix caching is measured; the semantic cache is kept out.',
      "A turn that repeats an earlier prompt's full blocks (more than the first) is taken to go on from where that prompt ended: its next block begins with that prompt's partial last block.",
      `Each prompt carries "${delimiter}" after the history it shares with earlier requests and at its end, where the gateway places cache_control breakpoints; configurations without prefix caching (baseline, routing only) are sent the prompts without them, as an application that never wrote them.`,
      'Outputs are the recorded output_length, cut by max_tokens: such answers are not stored in the answer cache.',
    ],
  };
}

/** Reads a Mooncake trace; see {@link parseMooncakeTrace}. */
export async function readMooncakeTrace(path: string, options: { delimiter?: string } = {}): Promise<Trace> {
  return parseMooncakeTrace(await readTraceText(path), { name: basename(path), ...options });
}
