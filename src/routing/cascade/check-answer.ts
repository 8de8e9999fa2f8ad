import type { ChatRequest, ChatResponse } from '../../spec/index.js';

/** Why a cascade escalates: the cheap tier's answer failed one of these checks. */
export type AnswerFailure = 'empty' | 'truncated' | 'refusal' | 'invalid-json';

/**
 * Openings of a refusal, in the first sentence of an answer. Deliberately narrow: an answer that
 * merely apologises mid-way, or declines one part of a task, is not escalated.
 */
const REFUSAL_OPENINGS =
  /^(?:i['’]m sorry|i am sorry|sorry, (?:but )?i|i apologi[sz]e|unfortunately,? i (?:can(?:no|['’])t|am unable|am not able)|i can(?:no|['’])t (?:help|assist|comply|provide|do that|answer|fulfil)|i(?: am|['’]m) (?:not able|unable) to|i (?:must|have to) decline|i won['’]t be able to|as an ai\b)/i;

function answerText(answer: ChatResponse): string {
  return answer.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('')
    .trim();
}

function wantsJson(request: ChatRequest): boolean {
  const format = request.responseFormat?.type;
  return format === 'json_object' || format === 'json_schema';
}

/** The top-level properties a `json_schema` format requires, when it says. */
function requiredProperties(request: ChatRequest): string[] {
  const format = request.responseFormat;
  if (format?.type !== 'json_schema') return [];
  const required = format.schema.required;
  return Array.isArray(required) ? required.filter((name): name is string => typeof name === 'string') : [];
}

function jsonProblem(request: ChatRequest, text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true;
  }
  const required = requiredProperties(request);
  if (required.length === 0) return false;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return true;
  return required.some((name) => !(name in value));
}

/**
 * The cascade's check of a cheap tier's answer: empty (no text and no tool call), truncated (the
 * output limit cut it), a refusal (a content filter, or a refusal in its opening words), or invalid
 * JSON where the request asked for JSON (for a `json_schema`, also a missing required top-level
 * property). Returns the first failure, or undefined when the answer passes.
 */
export function checkAnswer(options: { request: ChatRequest; answer: ChatResponse }): AnswerFailure | undefined {
  const { request, answer } = options;
  const text = answerText(answer);
  const toolCalls = answer.content.some((part) => part.type === 'tool-call');
  if (answer.finishReason === 'length') return 'truncated';
  if (answer.finishReason === 'content-filter') return 'refusal';
  if (text === '' && !toolCalls) return 'empty';
  if (text !== '' && REFUSAL_OPENINGS.test(text.slice(0, 200))) return 'refusal';
  if (!toolCalls && wantsJson(request) && jsonProblem(request, text)) return 'invalid-json';
  return undefined;
}
