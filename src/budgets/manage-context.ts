import type { ContextManagementConfig } from '../config/config-schema.js';
import type { Runtime } from '../gateway/create-runtime.js';
import type { RequestContext } from '../gateway/request-context.js';
import { type ChatRequest, GatewayError, type Message, toGatewayError } from '../spec/index.js';
import type { AttemptLog } from '../stages/attempt/attempt-log.js';
import { countChatRequestTokens } from '../tokens/count-tokens.js';

/** The request header that overrides `context_management.mode` for one request. */
export const CONTEXT_HEADER = 'x-tollgate-context';

const MODES = ['off', 'window', 'summarise'] as const;

/** A summary, or why there is none; the attempt goes to the ledger either way. */
export type SummaryResult =
  | { ok: true; text: string; attempt: AttemptLog | undefined }
  | { ok: false; error: GatewayError; attempt: AttemptLog | undefined };

/** Writes a summary of older turns. */
export type Summariser = (input: {
  transcript: string;
  maxOutputTokens: number;
  context: RequestContext;
}) => Promise<SummaryResult>;

/** What context management did. */
export interface ManagedContext {
  /** The request to send (the original when nothing was done). */
  request: ChatRequest;
  action: 'none' | 'window' | 'summarise';
  /** Older messages removed from the conversation. */
  droppedMessages: number;
  /** The summarisation call, when one was made (successful or not): add it to the request's attempts. */
  attempts: AttemptLog[];
}

const SUMMARY_INSTRUCTIONS =
  'Summarise the conversation below for the assistant that continues it. Keep every fact, decision, ' +
  'name, number, open question and instruction the user gave; drop pleasantries. Write plain prose, ' +
  'at most a few short paragraphs.';

function textOf(message: Message): string {
  const pieces: string[] = [];
  for (const part of message.content) {
    if (part.type === 'text') pieces.push(part.text);
    else if (part.type === 'image') pieces.push('[image]');
    else if (part.type === 'tool-call') pieces.push(`[called ${part.name}(${part.arguments})]`);
    else if (part.type === 'tool-result')
      pieces.push(`[tool result: ${part.content.map((text) => text.text).join(' ')}]`);
  }
  return pieces.join(' ');
}

/** The mode for this request: the header wins over config; a bad header is a 400, not a silent default. */
function modeOf(settings: ContextManagementConfig, header: string | undefined): ContextManagementConfig['mode'] {
  if (header === undefined) return settings.mode;
  const mode = MODES.find((candidate) => candidate === header.trim().toLowerCase());
  if (!mode) {
    throw new GatewayError({
      code: 'invalid_request',
      param: CONTEXT_HEADER,
      message: `Header ${CONTEXT_HEADER} must be one of ${MODES.join(', ')}.`,
    });
  }
  return mode;
}

/**
 * Where the kept tail starts: the last `keep` messages, moved back to a user turn so that a tool
 * result never loses its call and the conversation still opens with the user (Anthropic requires it).
 */
function cutIndex(turns: Message[], keep: number): number {
  let cut = turns.length - keep;
  while (cut > 0 && turns[cut]?.role !== 'user') cut--;
  return cut;
}

/**
 * Context management for long chats (off by default; `context_management:` in config or the
 * `x-tollgate-context` header turns it on). Above `trigger_tokens` of input, `window` keeps the system
 * messages and the last `keep_last_messages` turns; `summarise` also replaces the older turns with a
 * summary written by the cheapest tier, as a system message after the original ones. A failed summary
 * falls back to the window. Every change is a warning on the response.
 */
export async function manageContext(options: {
  request: ChatRequest;
  context: RequestContext;
  settings: ContextManagementConfig;
  /** The `x-tollgate-context` header, if sent. */
  header?: string;
  /** Required for `summarise`; {@link createTierSummariser} gives the default. */
  summarise?: Summariser;
}): Promise<ManagedContext> {
  const { request, context, settings } = options;
  const unchanged: ManagedContext = { request, action: 'none', droppedMessages: 0, attempts: [] };
  const mode = modeOf(settings, options.header);
  if (mode === 'off') return unchanged;
  const tokens = countChatRequestTokens(request);
  if (tokens <= settings.trigger_tokens) return unchanged;
  const system = request.messages.filter((message) => message.role === 'system');
  const turns = request.messages.filter((message) => message.role !== 'system');
  const cut = cutIndex(turns, settings.keep_last_messages);
  if (cut <= 0) return unchanged;
  const older = turns.slice(0, cut);
  const kept = turns.slice(cut);
  const windowed: ManagedContext = {
    request: { ...request, messages: [...system, ...kept] },
    action: 'window',
    droppedMessages: older.length,
    attempts: [],
  };
  if (mode === 'window' || !options.summarise) {
    context.warnings.push(
      `context management: dropped the ${older.length} oldest messages (about ${tokens} input tokens, above ${settings.trigger_tokens}); kept the last ${kept.length}`,
    );
    return windowed;
  }
  const transcript = older.map((message) => `${message.role}: ${textOf(message)}`).join('\n');
  let summary: SummaryResult;
  try {
    summary = await options.summarise({ transcript, maxOutputTokens: settings.summary_max_tokens, context });
  } catch (thrown) {
    summary = { ok: false, error: toGatewayError(thrown), attempt: undefined };
  }
  const attempts = summary.attempt ? [summary.attempt] : [];
  if (!summary.ok) {
    if (summary.error.code === 'cancelled') throw summary.error;
    context.warnings.push(
      `context management: the summary failed (${summary.error.code}); dropped the ${older.length} oldest messages instead`,
    );
    return { ...windowed, attempts };
  }
  context.warnings.push(
    `context management: summarised the ${older.length} oldest messages (about ${tokens} input tokens, above ${settings.trigger_tokens})`,
  );
  const note: Message = {
    role: 'system',
    content: [{ type: 'text', text: `Summary of the earlier conversation:\n${summary.text}` }],
  };
  return {
    request: { ...request, messages: [...system, note, ...kept] },
    action: 'summarise',
    droppedMessages: older.length,
    attempts,
  };
}

/**
 * Summaries by the first deployment of a tier: `context_management.summary_tier`, else the first
 * configured tier (cheapest first by convention). Failures come back with their attempt, so that the
 * ledger still records what the summary cost.
 */
export function createTierSummariser(options: { runtime: () => Runtime }): Summariser {
  return async ({ transcript, maxOutputTokens, context }) => {
    const runtime = options.runtime();
    const tierName = runtime.config.context_management.summary_tier;
    const tier = tierName ? runtime.tiers.get(tierName) : [...runtime.tiers.values()][0];
    const deployment = tier?.deployments[0];
    if (!deployment) {
      return {
        ok: false,
        error: new GatewayError({ code: 'no_route', message: 'No tier is configured to write summaries.' }),
        attempt: undefined,
      };
    }
    const attempt: AttemptLog = {
      deployment,
      startedAtEpochMs: Date.now(),
      latencyMs: 0,
      ttftMs: undefined,
      error: undefined,
      usage: undefined,
    };
    const started = performance.now();
    try {
      const answer = await deployment.adapter.chat(
        {
          model: deployment.upstreamModel,
          stream: false,
          maxOutputTokens,
          messages: [
            { role: 'system', content: [{ type: 'text', text: SUMMARY_INSTRUCTIONS }] },
            { role: 'user', content: [{ type: 'text', text: transcript }] },
          ],
        },
        { upstreamModel: deployment.upstreamModel, signal: context.abort.signal, warn: () => {} },
      );
      attempt.usage = answer.usage;
      attempt.latencyMs = performance.now() - started;
      const text = answer.content
        .filter((part) => part.type === 'text')
        .map((part) => part.text)
        .join('')
        .trim();
      if (text) return { ok: true, text, attempt };
      attempt.error = new GatewayError({ code: 'upstream_malformed', message: 'The summary came back empty.' });
    } catch (thrown) {
      attempt.latencyMs = performance.now() - started;
      attempt.error = toGatewayError(thrown);
    }
    return { ok: false, error: attempt.error, attempt };
  };
}
