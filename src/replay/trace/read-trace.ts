import { basename } from 'node:path';
import { GatewayError } from '../../spec/index.js';
import { parseAzureTrace } from './read-azure-trace.js';
import { type LedgerRange, ledgerTrace, parseLedgerJsonl, readLedgerTrace } from './read-ledger-trace.js';
import { parseMooncakeTrace } from './read-mooncake-trace.js';
import { parseOpenAiJsonl } from './read-openai-jsonl.js';
import { benchmarkOf, parseRouterBenchPrompts, routerBenchTrace } from './read-routerbench-trace.js';
import { readTraceText } from './read-trace-text.js';
import { TRACE_FORMATS, type Trace, type TraceFormat } from './trace-request.js';

/** Options for {@link readTrace}. */
export interface ReadTraceOptions {
  /** The format; detected from the content when absent. */
  format?: TraceFormat;
  /** Arrivals per second for traces without times (default 1). */
  ratePerSecond?: number;
  /** RouterBench: tier → the model whose recorded outcome scores that tier. */
  tierModels?: Record<string, string>;
  /** Mooncake: the prefix-cache delimiter (the config's `cache.prefix.delimiter`). */
  delimiter?: string;
  /** Ledger: the time range to read. */
  ledgerRange?: LedgerRange;
}

/** Which format a trace text is in, from its first line (or the CSV header). */
export function detectTraceFormat(text: string, name: string): TraceFormat {
  const first =
    text
      .slice(0, 64 * 1024)
      .split('\n', 1)[0]
      ?.trim() ?? '';
  if (/^TIMESTAMP,ContextTokens,GeneratedTokens/.test(first)) return 'azure';
  if (first.includes('prompt') && text.slice(0, 64 * 1024).includes('|total_cost')) return 'routerbench';
  if (first.startsWith('{')) {
    let value: Record<string, unknown> = {};
    try {
      value = JSON.parse(first) as Record<string, unknown>;
    } catch {
      throw new GatewayError({ code: 'invalid_request', message: `${name}: the first line is not JSON` });
    }
    if (Array.isArray(value.hash_ids)) return 'mooncake';
    if (value.kind === 'request' || (typeof value.requestId === 'string' && 'startedAt' in value)) return 'ledger';
    if (Array.isArray(value.messages) || Array.isArray((value.body as { messages?: unknown } | undefined)?.messages)) {
      return 'openai';
    }
  }
  throw new GatewayError({
    code: 'invalid_request',
    message: `${name}: cannot tell the trace format; pass --format ${TRACE_FORMATS.join('|')}`,
  });
}

/**
 * Reads a trace in any supported format: OpenAI request JSONL, a ledger (`sqlite:PATH` or a JSONL
 * export), RouterBench CSV (several files make one trace), Azure token-count CSV or Mooncake JSONL.
 * `.gz` files are read too.
 */
export async function readTrace(paths: readonly string[], options: ReadTraceOptions = {}): Promise<Trace> {
  const [first] = paths;
  if (first === undefined) throw new GatewayError({ code: 'invalid_request', message: 'No trace given' });
  if (first.startsWith('sqlite:') || first.startsWith('postgres:')) return readLedgerTrace(first, options.ledgerRange);
  const texts = await Promise.all(paths.map((path) => readTraceText(path)));
  const format = options.format ?? detectTraceFormat(texts[0] as string, basename(first));
  if (format !== 'routerbench' && paths.length > 1) {
    throw new GatewayError({ code: 'invalid_request', message: `Only RouterBench traces may span several files` });
  }
  const text = texts[0] as string;
  const name = basename(first);
  const rate = options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond };
  switch (format) {
    case 'openai':
      return parseOpenAiJsonl(text, { name, ...rate });
    case 'ledger':
      return ledgerTrace(parseLedgerJsonl(text, options.ledgerRange), { name });
    case 'routerbench':
      return routerBenchTrace(
        paths.flatMap((path, index) => parseRouterBenchPrompts(texts[index] as string, benchmarkOf(path))),
        {
          name: paths.map((path) => basename(path)).join(' + '),
          ...rate,
          ...(options.tierModels ? { tierModels: options.tierModels } : {}),
        },
      );
    case 'azure':
      return parseAzureTrace(text, { name });
    case 'mooncake':
      return parseMooncakeTrace(text, { name, ...(options.delimiter ? { delimiter: options.delimiter } : {}) });
    default:
      return format satisfies never;
  }
}

/** The first `limit` requests, or those of the first `durationMs` of the trace. */
export function sliceTrace(trace: Trace, options: { limit?: number; durationMs?: number }): Trace {
  const start = trace.requests[0]?.atMs ?? 0;
  let requests = trace.requests;
  if (options.durationMs !== undefined) {
    const end = start + options.durationMs;
    requests = requests.filter((request) => request.atMs < end);
  }
  if (options.limit !== undefined) requests = requests.slice(0, Math.max(1, options.limit));
  if (requests.length === trace.requests.length) return trace;
  return {
    ...trace,
    requests,
    notes: [...trace.notes, `First ${requests.length} of ${trace.requests.length} requests.`],
  };
}

/** Where a trace comes from, as plain data: a worker thread reads it again from this. */
export interface TraceSource {
  paths: string[];
  read?: ReadTraceOptions;
  slice?: { limit?: number; durationMs?: number };
}

/** Reads and slices a trace from its source. */
export async function loadTrace(source: TraceSource): Promise<Trace> {
  return sliceTrace(await readTrace(source.paths, source.read), source.slice ?? {});
}
