import type { ChatRequest, Message } from '../../spec/index.js';

/** Enough of the prompt for classification; longer prompts are cut (the tail is where the ask usually is). */
const MAX_CHARS = 8_000;
/**
 * Earlier user turns kept in front of the last one: enough for a follow-up ("now in Go") to read with
 * what it follows, bounded so that a long conversation does not look like a long task.
 */
const CONTEXT_CHARS = 1_000;

/** The texts a router reads from a request. */
export interface PromptText {
  /** System and user text, joined (cut to the last 8,000 characters): what a judge is shown. */
  all: string;
  /**
   * What the classifiers score: the task, not the instructions around it. The last user message,
   * preceded by up to 1,000 characters of the user's earlier turns; never the system prompt, which is
   * the same long text for every request of an application and would make them all look alike (and
   * complex). A request without a user message falls back to `all`.
   */
  task: string;
  /** The last user message on its own (cut to its last 8,000 characters). */
  lastUser: string;
  /** Characters of every text part of every message: the basis of the router's input-size estimate. */
  totalChars: number;
}

function messageText(message: Message): string {
  if (message.role === 'tool')
    return message.content.map((part) => part.content.map((text) => text.text).join('\n')).join('\n');
  return message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** The text a classifier reads (see {@link PromptText}). */
export function promptText(request: ChatRequest): PromptText {
  const pieces: string[] = [];
  const userTurns: string[] = [];
  let totalChars = 0;
  for (const message of request.messages) {
    const text = messageText(message);
    totalChars += text.length;
    if (message.role !== 'system' && message.role !== 'user') continue;
    pieces.push(text);
    if (message.role === 'user') userTurns.push(text);
  }
  // Joined only when read (shadow mode's judge): the router scores `task`, and joining would copy a
  // long system prompt on every routed request for nothing.
  let cutAll: string | undefined;
  const readAll = (): string => {
    if (cutAll === undefined) {
      const all = pieces.join('\n');
      cutAll = all.length > MAX_CHARS ? all.slice(-MAX_CHARS) : all;
    }
    return cutAll;
  };
  const last = userTurns.at(-1);
  if (last === undefined) return { all: readAll(), task: readAll(), lastUser: '', totalChars };
  const lastUser = last.slice(-MAX_CHARS);
  const earlier = userTurns.slice(0, -1).join('\n').slice(-CONTEXT_CHARS);
  const task = earlier === '' ? lastUser : `${earlier}\n${lastUser}`.slice(-MAX_CHARS);
  return {
    get all() {
      return readAll();
    },
    task,
    lastUser,
    totalChars,
  };
}
