import type { CacheControl, ChatRequest, ImagePart, Message, TextPart } from '../../spec/index.js';

/** Anthropic accepts at most this many `cache_control` blocks per request. */
export const MAX_CACHE_BREAKPOINTS = 4;

/** Options for {@link placeCacheBreakpoints}. */
export interface PlaceCacheBreakpointsOptions {
  /** The request as the client sent it; never mutated. */
  request: ChatRequest;
  /** Marks the end of a stable prefix in the system prompt or first user message (e.g. `---CACHE_BREAK---`). */
  delimiter: string;
  /** Lifetime of the breakpoints placed here (the client's own keep theirs). */
  ttl: '5m' | '1h';
  /**
   * Also mark the last part of the newest user turn when the request continues a conversation (it
   * has an earlier assistant turn), so that the next turn reads the whole history from the cache.
   */
  conversation?: boolean;
  /** Breakpoints allowed in all (default {@link MAX_CACHE_BREAKPOINTS}); 0 only removes delimiters. */
  maxBreakpoints?: number;
  /** Told when delimiters got no breakpoint because the limit was reached. */
  warn?: (message: string) => void;
}

type MarkablePart = TextPart | ImagePart;
type Position = { messageIndex: number; partIndex: number };

/** Content parts of a message that can carry a breakpoint, or none for assistant and tool turns. */
function markableContent(message: Message): MarkablePart[] | undefined {
  return message.role === 'system' || message.role === 'user' ? message.content : undefined;
}

/** Splits the system messages and the first user message at the delimiter; returns where each delimiter was. */
function splitAtDelimiters(messages: Message[], delimiter: string): Position[] {
  const positions: Position[] = [];
  const firstUserIndex = messages.findIndex((message) => message.role === 'user');
  let previous: Position | undefined;
  messages.forEach((message, messageIndex) => {
    const parts = markableContent(message);
    if (parts === undefined || (message.role === 'user' && messageIndex !== firstUserIndex)) return;
    if (!parts.some((part) => part.type === 'text' && part.text.includes(delimiter))) {
      if (parts.length > 0) previous = { messageIndex, partIndex: parts.length - 1 };
      return;
    }
    const content: MarkablePart[] = [];
    for (const part of parts) {
      if (part.type !== 'text' || !part.text.includes(delimiter)) {
        content.push(part);
        previous = { messageIndex, partIndex: content.length - 1 };
        continue;
      }
      const pieces = part.text.split(delimiter);
      pieces.forEach((piece, pieceIndex) => {
        const last = pieceIndex === pieces.length - 1;
        if (piece !== '') {
          // The client's own marker stays where its text ends: on the last piece.
          const own = last ? part.cacheControl : undefined;
          content.push(
            own === undefined ? { type: 'text', text: piece } : { type: 'text', text: piece, cacheControl: own },
          );
          previous = { messageIndex, partIndex: content.length - 1 };
        } else if (last && part.cacheControl !== undefined && previous?.messageIndex === messageIndex) {
          const before = content[previous.partIndex];
          if (before !== undefined) content[previous.partIndex] = { ...before, cacheControl: part.cacheControl };
        }
        // A delimiter at the very start of the prompt has nothing before it to cache.
        if (!last && previous !== undefined) positions.push(previous);
      });
    }
    messages[messageIndex] = { ...message, content } as Message;
  });
  // Two delimiters with nothing between them name one position.
  return positions.filter(
    (position, index) =>
      index === 0 ||
      position.messageIndex !== positions[index - 1]?.messageIndex ||
      position.partIndex !== positions[index - 1]?.partIndex,
  );
}

function countBreakpoints(messages: readonly Message[]): number {
  let count = 0;
  for (const message of messages) {
    for (const part of message.content) {
      if ((part.type === 'text' || part.type === 'image') && part.cacheControl !== undefined) count++;
      if (part.type === 'tool-result') for (const text of part.content) if (text.cacheControl !== undefined) count++;
    }
  }
  return count;
}

/**
 * Places Anthropic prefix-cache breakpoints (`cacheControl` on content parts) so that the stable
 * start of a prompt is written to the provider's cache once and read at a tenth of the price after:
 *
 * 1. at each configured delimiter in the system prompt or the first user message: the text is split
 *    there, the delimiter removed, and the part before it marked (everything up to it is cached);
 * 2. else after the system prompt (its last text part), the usual stable prefix;
 * 3. with `conversation`, on the newest user turn of a conversation, so the history is read back.
 *
 * The client's own `cache_control` parts are kept and count against Anthropic's limit of four; one
 * slot is kept for the conversation breakpoint; delimiters past the limit get none (earliest first:
 * a shorter prefix is shared by more requests) but are still removed, with a warning, so that the
 * model never sees them. Returns a new request when anything changed, the same object otherwise.
 */
export function placeCacheBreakpoints(options: PlaceCacheBreakpointsOptions): ChatRequest {
  const { request } = options;
  const cacheControl: CacheControl = options.ttl === '1h' ? { type: 'ephemeral', ttl: '1h' } : { type: 'ephemeral' };
  const messages = [...request.messages];
  const delimiters = splitAtDelimiters(messages, options.delimiter);
  let changed = messages.some((message, index) => message !== request.messages[index]);
  let free = (options.maxBreakpoints ?? MAX_CACHE_BREAKPOINTS) - countBreakpoints(messages);

  const mark = (position: Position): boolean => {
    const message = messages[position.messageIndex];
    const parts = message === undefined ? undefined : markableContent(message);
    const part = parts?.[position.partIndex];
    if (message === undefined || parts === undefined || part === undefined || part.cacheControl !== undefined) {
      return false;
    }
    const content = [...parts];
    content[position.partIndex] = { ...part, cacheControl };
    messages[position.messageIndex] = { ...message, content } as Message;
    free--;
    changed = true;
    return true;
  };

  const lastUserIndex = messages.findLastIndex((message) => message.role === 'user');
  const conversation =
    options.conversation === true && lastUserIndex >= 0 && messages.some((message) => message.role === 'assistant');
  const reserved = conversation ? 1 : 0;
  let dropped = 0;
  for (const position of delimiters) {
    const part = markableContent(messages[position.messageIndex] as Message)?.[position.partIndex];
    if (part?.cacheControl !== undefined) continue;
    if (free > reserved) mark(position);
    else dropped++;
  }
  if (dropped > 0 && options.maxBreakpoints !== 0) {
    options.warn?.(
      `${dropped} cache delimiter(s) got no cache_control breakpoint (Anthropic allows ${MAX_CACHE_BREAKPOINTS} per request); the delimiters were removed.`,
    );
  }
  if (delimiters.length === 0 && free > reserved) {
    const systemIndex = messages.findLastIndex(
      (message) => message.role === 'system' && message.content.some((part) => part.text !== ''),
    );
    const system = messages[systemIndex];
    if (system?.role === 'system') {
      mark({ messageIndex: systemIndex, partIndex: system.content.findLastIndex((part) => part.text !== '') });
    }
  }
  if (conversation && free > 0) {
    const user = messages[lastUserIndex];
    if (user?.role === 'user') {
      const partIndex = user.content.findLastIndex((part) => part.type !== 'text' || part.text !== '');
      if (partIndex >= 0) mark({ messageIndex: lastUserIndex, partIndex });
    }
  }
  return changed ? { ...request, messages } : request;
}
