import { countTextTokens, encodeText, truncateToTokens } from './count-tokens.js';
import { createSeededRandom } from './create-seeded-random.js';
import { generateJsonValue, type JsonValueContext } from './generate-json-value.js';
import { endsWithToolResult, lastUserText, type PromptTokens, type SimulatedPrompt } from './simulated-prompt.js';

/** A tool call the simulated model makes. */
export interface GeneratedToolCall {
  name: string;
  /** Arguments as JSON text (cut short, and so invalid, when the output limit was hit). */
  arguments: string;
}

/** What the simulated model answers, in protocol-neutral terms. */
export type GeneratedAnswer =
  | {
      kind: 'text';
      text: string;
      outputTokens: number;
      /** `stop`: natural end; `length`: the output limit; `stop_sequence`: a stop sequence matched. */
      finish: 'stop' | 'length' | 'stop_sequence';
      stopSequence?: string;
    }
  | { kind: 'tool-call'; toolCall: GeneratedToolCall; outputTokens: number; finish: 'tool_calls' | 'length' };

const COMMON_WORDS = `the a of to and in is that it for on with as this be can by are we you your from at or an more
which when will each how what most also these then only may should first new some time data system model answer
result request value cost price cache token simple clear good fast small large main best next other same part way
step case example point question idea method process number set list word text use make take give find show keep
help work need run check read write change build start follow consider note suggest provide include explain
describe usually often simply directly because while after before however therefore overall here there both many
several important useful common likely possible`.split(/\s+/);

/** Tokens a tool call costs beyond its name and arguments (the call framing). */
const TOOL_CALL_OVERHEAD_TOKENS = 4;

const COMMON_WORD_SET = new Set(COMMON_WORDS);

/** Answers of {@link isOneToken} by text: prompts repeat their words, and each costs a tokenizer call. */
const oneTokenMemo = new Map<string, boolean>();
const ONE_TOKEN_MEMO_SIZE = 20_000;

function isOneToken(text: string): boolean {
  let known = oneTokenMemo.get(text);
  if (known === undefined) {
    known = encodeText(text).length === 1;
    if (oneTokenMemo.size >= ONE_TOKEN_MEMO_SIZE) oneTokenMemo.clear();
    oneTokenMemo.set(text, known);
  }
  return known;
}
const capitalise = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/**
 * Words that are exactly one token in every position they can take (` word`, ` Word`, `Word`), so an
 * answer's token count is its piece count and a limit of N tokens cuts it at exactly N.
 */
function oneTokenWords(): string[] {
  // Computed on first use, not at import: it loads the tokenizer (~70 MB), which a gateway without a
  // simulated provider never needs.
  words ??= COMMON_WORDS.filter(
    (word) => isOneToken(` ${word}`) && isOneToken(` ${capitalise(word)}`) && isOneToken(capitalise(word)),
  );
  return words;
}
let words: string[] | undefined;

/**
 * Content words of the last user turn, as the answer will spell them (proper nouns keep their capital),
 * limited to one-token words so the answer's token count stays exact.
 */
function promptKeywords(prompt: SimulatedPrompt): { properNouns: string[]; keywords: string[] } {
  const text = lastUserText(prompt);
  const properNouns: string[] = [];
  const keywords: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z]{4,}/g)) {
    if (keywords.length >= 12) break;
    const lower = match[0].toLowerCase();
    if (seen.has(lower) || COMMON_WORD_SET.has(lower)) continue;
    seen.add(lower);
    const capitalised = match[0] !== lower && match.index !== 0 && isOneToken(` ${match[0]}`);
    const spelling = capitalised ? match[0] : lower;
    if (!isOneToken(` ${spelling}`)) continue;
    keywords.push(spelling);
    if (capitalised) properNouns.push(spelling);
  }
  return { properNouns, keywords };
}

/** The filler words as pieces, built once: ` word`, ` Word` and `Word`. */
let fillerPieces: { spaced: string[]; spacedCapital: string[]; capital: string[] } | undefined;

function fillerPieceTables(): NonNullable<typeof fillerPieces> {
  fillerPieces ??= {
    spaced: oneTokenWords().map((word) => ` ${word}`),
    spacedCapital: oneTokenWords().map((word) => ` ${capitalise(word)}`),
    capital: oneTokenWords().map(capitalise),
  };
  return fillerPieces;
}

/** Sentences of one-token pieces, ending at the first sentence end at or after `target` pieces. */
function generatePieces(input: { target: number; random: () => number; keywords: readonly string[] }): string[] {
  const { target, random, keywords } = input;
  const pieces: string[] = [];
  // Pieces come from tables rather than being spelled out each time: the same pieces from the same
  // random draws, without a new string per word.
  const table = fillerPieceTables();
  const spacedKeywords = keywords.map((keyword) => ` ${keyword}`);
  const count = table.spaced.length;
  const draw = (): number => Math.floor(random() * count);
  const word = (): string => {
    if (spacedKeywords.length > 0 && random() < 0.12)
      return spacedKeywords[Math.floor(random() * spacedKeywords.length)] ?? ' the';
    return table.spaced[draw()] ?? ' the';
  };
  while (pieces.length < target) {
    const length = 6 + Math.floor(random() * 9);
    const first = draw();
    pieces.push(pieces.length === 0 ? (table.capital[first] ?? 'The') : (table.spacedCapital[first] ?? ' The'));
    for (let index = 1; index < length; index++) {
      pieces.push(word());
      if (index < length - 2 && random() < 0.08) pieces.push(',');
    }
    pieces.push('.');
  }
  return pieces;
}

function targetLength(input: { prompt: SimulatedPrompt; tokens: PromptTokens; outputTokens: number }): number {
  // The same prompt always asks for the same length; different prompts vary by ±40%.
  const spread = ((input.tokens.fingerprint % 1000) + 0.5) / 1000;
  return Math.max(1, Math.round(input.outputTokens * (0.6 + 0.8 * spread)));
}

function applyLimit(text: string, limit: number | undefined): { text: string; tokens: number; capped: boolean } {
  const tokens = countTextTokens(text);
  if (limit === undefined || tokens <= limit) return { text, tokens, capped: false };
  return { text: truncateToTokens(text, limit), tokens: limit, capped: true };
}

function chooseTool(prompt: SimulatedPrompt, random: () => number): SimulatedPrompt['tools'][number] | undefined {
  const choice = prompt.toolChoice;
  if (choice.type === 'tool') return prompt.tools.find((tool) => tool.name === choice.name);
  const question = lastUserText(prompt).toLowerCase();
  let best = prompt.tools[Math.floor(random() * prompt.tools.length)];
  let bestScore = 0;
  for (const tool of prompt.tools) {
    const words = `${tool.name.replace(/[_-]/g, ' ')} ${tool.description}`.toLowerCase().match(/[a-z]{4,}/g) ?? [];
    const score = words.filter((word) => question.includes(word)).length;
    if (score > bestScore) {
      best = tool;
      bestScore = score;
    }
  }
  return best;
}

function wantsToolCall(prompt: SimulatedPrompt): boolean {
  if (prompt.tools.length === 0 || prompt.toolChoice.type === 'none') return false;
  if (prompt.toolChoice.type === 'required' || prompt.toolChoice.type === 'tool') return true;
  return !endsWithToolResult(prompt);
}

/**
 * The simulated model's answer: deterministic for a given request (same prompt, same answer),
 * readable English-ish text built from the prompt's words, a JSON value in JSON mode, or a tool call
 * whose arguments fit the tool's schema. Exact o200k_base output token counts.
 */
export function generateAnswer(input: {
  prompt: SimulatedPrompt;
  tokens: PromptTokens;
  /** Typical answer length when the request sets no limit. */
  outputTokens: number;
}): GeneratedAnswer {
  const { prompt } = input;
  const random = createSeededRandom(input.tokens.fingerprint % 4294967296);
  const { properNouns, keywords } = promptKeywords(prompt);
  const limit = prompt.maxOutputTokens;
  const target = targetLength(input);
  const context: JsonValueContext = {
    random,
    promptWords: [...properNouns, ...keywords],
    fillerWords: oneTokenWords(),
  };

  if (wantsToolCall(prompt)) {
    const tool = chooseTool(prompt, random);
    if (tool) {
      const json = JSON.stringify(generateJsonValue({ schema: tool.parameters, context }));
      const framing = countTextTokens(tool.name) + TOOL_CALL_OVERHEAD_TOKENS;
      const limited = applyLimit(json, limit === undefined ? undefined : Math.max(0, limit - framing));
      return {
        kind: 'tool-call',
        toolCall: { name: tool.name, arguments: limited.text },
        outputTokens: limited.tokens + framing,
        finish: limited.capped ? 'length' : 'tool_calls',
      };
    }
  }

  const format = prompt.responseFormat;
  if (format.type !== 'text') {
    const value =
      format.type === 'json_schema'
        ? generateJsonValue({ schema: format.schema, context })
        : {
            answer: generatePieces({ target: Math.max(6, target - 20), random, keywords }).join(''),
            topics: keywords.slice(0, 3),
            confidence: Math.round((0.6 + random() * 0.39) * 100) / 100,
          };
    const limited = applyLimit(JSON.stringify(value), limit);
    return {
      kind: 'text',
      text: limited.text,
      outputTokens: limited.tokens,
      finish: limited.capped ? 'length' : 'stop',
    };
  }

  // Pieces past `limit + 1` would be cut anyway; the random stream is consumed in order, so the kept
  // pieces are the same whether or not the rest is built (long recorded answers cost no extra work).
  const needed = limit === undefined ? target : Math.min(target, limit + 1);
  let pieces = generatePieces({ target: needed, random, keywords });
  let finish: 'stop' | 'length' = 'stop';
  if (limit !== undefined && pieces.length > limit) {
    pieces = pieces.slice(0, Math.max(0, limit));
    finish = 'length';
  }
  const text = pieces.join('');
  let stop: { at: number; sequence: string } | undefined;
  for (const sequence of prompt.stopSequences) {
    const at = sequence === '' ? -1 : text.indexOf(sequence);
    if (at >= 0 && (stop === undefined || at < stop.at)) stop = { at, sequence };
  }
  if (stop) {
    const kept = text.slice(0, stop.at);
    const outputTokens = countTextTokens(kept);
    return { kind: 'text', text: kept, outputTokens, finish: 'stop_sequence', stopSequence: stop.sequence };
  }
  return { kind: 'text', text, outputTokens: pieces.length, finish };
}
