import { encodeText } from './count-tokens.js';
import { hashText } from './hash-text.js';

/** A prefix-cache breakpoint lifetime (Anthropic `cache_control.ttl`). */
export type CacheTtl = '5m' | '1h';

/** One content block of a prompt, already reduced to the text a tokenizer sees. */
export interface PromptBlock {
  /** The block's text (tool calls and schemas as their JSON text). */
  text: string;
  /** Extra tokens the block costs beyond its text (e.g. an image). */
  extraTokens?: number;
  /** A cache breakpoint at the end of this block (Anthropic `cache_control`). */
  cacheTtl?: CacheTtl;
}

/** One turn of a prompt; tool definitions come first as their own pseudo-message. */
export interface PromptMessage {
  role: 'tools' | 'system' | 'user' | 'assistant' | 'tool';
  blocks: PromptBlock[];
}

/** A tool the model may call, reduced to what the simulator needs. */
export interface PromptTool {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** How the model may use tools. */
export type PromptToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

/** A wire request reduced to what determines the simulated answer, its usage and its caching. */
export interface SimulatedPrompt {
  model: string;
  messages: PromptMessage[];
  tools: PromptTool[];
  toolChoice: PromptToolChoice;
  /** `json` for JSON mode without a schema; a schema for structured output. */
  responseFormat: { type: 'text' } | { type: 'json' } | { type: 'json_schema'; schema: Record<string, unknown> };
  /** The request's output token limit, if any. */
  maxOutputTokens: number | undefined;
  stopSequences: string[];
  /** The request's sampling seed, which varies the answer. */
  seed: number | undefined;
}

/** A prompt's tokens, as the prefix cache sees them. */
export interface PromptTokens {
  /** Every token of the prompt in order, message framing included. */
  tokens: number[];
  /** Token count billed as input (tokens plus the reply priming). */
  inputTokens: number;
  /** Cache breakpoints: prefix length in tokens and lifetime, in order. */
  breakpoints: { length: number; ttl: CacheTtl }[];
  /** Prefix lengths at the end of every block, in order (where a provider looks back for cache hits). */
  blockEnds: number[];
  /** A hash of the whole prompt and sampling seed: the same request gets the same answer. */
  fingerprint: number;
}

/** Tokens of framing per message, as OpenAI documents for its chat format (`<|im_start|>role…<|im_sep|>`). */
export const MESSAGE_OVERHEAD_TOKENS = 3;
/** Tokens that prime the assistant's reply. */
export const REPLY_PRIMING_TOKENS = 3;

/** Framing tokens live outside the vocabulary so they never collide with a content token. */
const ROLE_MARKERS: Record<PromptMessage['role'], number> = {
  tools: -2,
  system: -3,
  user: -4,
  assistant: -5,
  tool: -6,
};
const MESSAGE_START = -1;
const MESSAGE_SEPARATOR = -7;

/** Tokenizes a prompt once: counts, cache breakpoints and the answer fingerprint. */
export function tokenizePrompt(prompt: SimulatedPrompt): PromptTokens {
  const tokens: number[] = [];
  const breakpoints: PromptTokens['breakpoints'] = [];
  const blockEnds: number[] = [];
  for (const message of prompt.messages) {
    tokens.push(MESSAGE_START, ROLE_MARKERS[message.role], MESSAGE_SEPARATOR);
    for (const block of message.blocks) {
      for (const token of encodeText(block.text)) tokens.push(token);
      if (block.extraTokens) {
        const identity = hashText(block.text);
        for (let index = 0; index < block.extraTokens; index++) tokens.push(-100 - ((identity + index) % 100_000));
      }
      blockEnds.push(tokens.length);
      if (block.cacheTtl) breakpoints.push({ length: tokens.length, ttl: block.cacheTtl });
    }
  }
  let fingerprint = hashText(prompt.model, prompt.seed ?? 0);
  for (const message of prompt.messages) {
    fingerprint = hashText(message.role, fingerprint % 4294967296);
    for (const block of message.blocks) fingerprint = hashText(block.text, fingerprint % 4294967296);
  }
  const format = prompt.responseFormat.type === 'json_schema' ? JSON.stringify(prompt.responseFormat.schema) : '';
  fingerprint = hashText(`${prompt.responseFormat.type}${format}`, fingerprint % 4294967296);
  return { tokens, inputTokens: tokens.length + REPLY_PRIMING_TOKENS, breakpoints, blockEnds, fingerprint };
}

/** The text of the last user turn (what the answer and tool arguments draw their words from). */
export function lastUserText(prompt: SimulatedPrompt): string {
  for (let index = prompt.messages.length - 1; index >= 0; index--) {
    const message = prompt.messages[index];
    if (message?.role === 'user') return message.blocks.map((block) => block.text).join(' ');
  }
  return '';
}

/** True when the conversation ends with tool results (the model should now answer in words). */
export function endsWithToolResult(prompt: SimulatedPrompt): boolean {
  return prompt.messages.at(-1)?.role === 'tool';
}
