import type { ChatRequest } from '../../spec/index.js';

/** Enough of the prompt for classification; longer prompts are cut (the tail is where the ask usually is). */
const MAX_CHARS = 8_000;

/** The text a classifier reads: system and user text, and the last user message on its own. */
export function promptText(request: ChatRequest): { all: string; lastUser: string } {
  const pieces: string[] = [];
  let lastUser = '';
  for (const message of request.messages) {
    if (message.role !== 'system' && message.role !== 'user') continue;
    const text = message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
    pieces.push(text);
    if (message.role === 'user') lastUser = text;
  }
  const all = pieces.join('\n');
  return { all: all.length > MAX_CHARS ? all.slice(-MAX_CHARS) : all, lastUser: lastUser.slice(-MAX_CHARS) };
}
