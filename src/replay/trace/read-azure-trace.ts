import { basename } from 'node:path';
import { GatewayError } from '../../spec/index.js';
import { fillerParts } from './filler-text.js';
import { readTraceText } from './read-trace-text.js';
import { CONTENT_FREE_HEADERS, ONE_MESSAGE_OVERHEAD_TOKENS, syntheticBody } from './synthetic-body.js';
import { parseTraceTime } from './trace-clock.js';
import type { Trace, TraceRequest } from './trace-request.js';

/** The columns of the Azure LLM inference traces (Patel et al., ISCA'24). */
const HEADER = ['TIMESTAMP', 'ContextTokens', 'GeneratedTokens'];

/**
 * Parses an Azure LLM inference trace (`TIMESTAMP,ContextTokens,GeneratedTokens`): arrival times and
 * token counts, no content. Each row becomes a synthetic prompt of exactly `ContextTokens` input
 * tokens with `max_tokens = GeneratedTokens`, so cost, prefix sizes and the router's length signal are
 * those of the real traffic; answer caching and content-based routing cannot be measured on it.
 */
export function parseAzureTrace(text: string, options: { name: string }): Trace {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  if (HEADER.some((column, index) => header[index] !== column)) {
    throw new GatewayError({
      code: 'invalid_request',
      message: `${options.name}: expected the header ${HEADER.join(',')}, found "${lines[0] ?? ''}"`,
    });
  }
  const requests: TraceRequest[] = [];
  let longestOutputTokens = 1;
  for (let line = 1; line < lines.length; line++) {
    const raw = lines[line] as string;
    if (raw.trim() === '') continue;
    const [time, context, generated] = raw.split(',');
    const atMs = parseTraceTime(time);
    const contextTokens = Number(context);
    const generatedTokens = Number(generated);
    if (atMs === undefined || !Number.isInteger(contextTokens) || !Number.isInteger(generatedTokens)) {
      throw new GatewayError({ code: 'invalid_request', message: `${options.name} line ${line + 1}: "${raw}"` });
    }
    const index = requests.length;
    longestOutputTokens = Math.max(longestOutputTokens, generatedTokens);
    requests.push({
      index,
      atMs,
      body: () =>
        syntheticBody({
          parts: fillerParts({ tokens: contextTokens - ONE_MESSAGE_OVERHEAD_TOKENS, seed: index + 1 }),
          maxTokens: generatedTokens,
        }),
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
    format: 'azure',
    requests,
    contentFree: true,
    longestOutputTokens,
    notes: [
      'Token counts only: prompts are synthetic filler of the recorded sizes, so the semantic cache is kept out and no exact repeats exist (no answer-cache hits can be measured).',
      'Routing sees prompt length only (the filler carries no task signal): the routing columns show where length alone sends this traffic, not what the router would do with the real prompts. With the heuristic classifier, whose other features only add, their saving is an upper bound. Outputs are the recorded GeneratedTokens.',
    ],
  };
}

/** Reads an Azure LLM inference trace CSV; see {@link parseAzureTrace}. */
export async function readAzureTrace(path: string): Promise<Trace> {
  return parseAzureTrace(await readTraceText(path), { name: basename(path) });
}
