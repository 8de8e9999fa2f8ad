import type { TraceRequest } from './trace-request.js';

/**
 * The text the semantic cache embeds for a request (its last user message, parts joined by newlines),
 * to embed it ahead of time; a mismatch only means the cache embeds it itself when it gets there.
 * Empty for requests whose prompts the semantic cache never sees.
 */
export function lastUserText(request: TraceRequest): string {
  const directive = request.headers?.['x-tollgate-cache'];
  if (directive === 'off' || directive === 'exact-only') return '';
  const messages = (request.body().messages ?? []) as { role?: unknown; content?: unknown }[];
  const last = messages.at(-1);
  // Single-turn only, as the semantic cache's default (`multi_turn: false`).
  if (last?.role !== 'user' || messages.filter((message) => message.role !== 'system').length > 1) return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return (last.content as { type?: unknown; text?: unknown }[])
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('\n');
}
