import type { ChatRequest, ChatResponse } from '../../spec/index.js';

/** Longest prompt or answer text put in front of the judge; longer ones are cut in the middle. */
const MAX_PART_CHARS = 6_000;

function clip(text: string): string {
  if (text.length <= MAX_PART_CHARS) return text;
  const half = MAX_PART_CHARS / 2;
  return `${text.slice(0, half)}\n[…]\n${text.slice(-half)}`;
}

/** The text of an answer, tool calls written out. */
export function answerText(answer: ChatResponse): string {
  return answer.content
    .map((part) =>
      part.type === 'text' ? part.text : part.type === 'tool-call' ? `[tool call ${part.name}(${part.arguments})]` : '',
    )
    .join('');
}

/**
 * The LLM-as-judge request: the user's prompt and two answers (in the order given; the caller shuffles
 * them against position bias), scored 0–10 each, as JSON.
 */
export function buildJudgeRequest(options: {
  model: string;
  prompt: string;
  first: string;
  second: string;
}): ChatRequest {
  const instructions =
    'You are an impartial judge of answers to a user request. Score each answer from 0 (useless or wrong) ' +
    'to 10 (correct, complete, follows every instruction). Judge substance, not length or style. ' +
    'Reply with JSON only: {"first": <0-10>, "second": <0-10>}.';
  const body = `## Request\n${clip(options.prompt)}\n\n## First answer\n${clip(options.first)}\n\n## Second answer\n${clip(options.second)}`;
  return {
    model: options.model,
    messages: [
      { role: 'system', content: [{ type: 'text', text: instructions }] },
      { role: 'user', content: [{ type: 'text', text: body }] },
    ],
    maxOutputTokens: 64,
    temperature: 0,
    stream: false,
  };
}

function scoreOf(text: string, key: 'first' | 'second'): number | undefined {
  const match = new RegExp(`"?${key}"?\\s*[:=]\\s*(\\d+(?:\\.\\d+)?)`, 'i').exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  return value >= 0 && value <= 10 ? value / 10 : undefined;
}

/** The judge's two scores on a 0–1 scale, or undefined when its reply has no usable pair. */
export function parseJudgeScores(text: string): { first: number; second: number } | undefined {
  const first = scoreOf(text, 'first');
  const second = scoreOf(text, 'second');
  return first === undefined || second === undefined ? undefined : { first, second };
}
