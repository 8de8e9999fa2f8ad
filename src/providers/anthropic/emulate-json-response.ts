import type { ResponseFormat } from '../../spec/index.js';
import type { AnthropicTextBlock, AnthropicTool, AnthropicToolChoice } from './anthropic-messages-body.js';

/** Tool name used for `json_object`, or for a `json_schema` whose name is not a valid tool name. */
export const DEFAULT_JSON_TOOL_NAME = 'json_response';

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** How a JSON response format is emulated on Anthropic: a forced tool, or a system instruction. */
export type JsonResponseEmulation =
  | { kind: 'tool'; tool: AnthropicTool; toolChoice: AnthropicToolChoice }
  | { kind: 'instruction'; instruction: AnthropicTextBlock };

/**
 * Anthropic has no JSON mode that every Claude model accepts (structured outputs via
 * `output_config.format` exist only on recent models and older ones reject the field), so the adapter
 * emulates one, and says so in a warning.
 *
 * Preferred: a forced tool whose `input_schema` is the requested schema. Claude must then answer with
 * a tool call, and Anthropic returns its input as a parsed JSON object, so the answer is always valid
 * JSON (this is what the Vercel AI SDK did for Claude). The adapter returns that input as the answer
 * text and reports finish reason `stop`.
 *
 * Fallback, when a forced tool is impossible: an instruction appended to the system prompt (best
 * effort: the model may still add prose). A forced tool is impossible when the client sent tools of its
 * own (forcing ours would stop the model from calling theirs), when extended thinking is on (Anthropic
 * forbids forced tool use with thinking), or when the schema's root is not an object (tool input must be
 * an object).
 */
export function emulateJsonResponse(options: {
  responseFormat: ResponseFormat | undefined;
  hasTools: boolean;
  thinkingEnabled: boolean;
  warn(message: string): void;
}): JsonResponseEmulation | undefined {
  const format = options.responseFormat;
  if (format === undefined || format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' ? format.schema : { type: 'object', additionalProperties: true };
  const objectRoot = schema.type === undefined || schema.type === 'object';
  if (!options.hasTools && !options.thinkingEnabled && objectRoot) {
    const name = format.type === 'json_schema' && TOOL_NAME.test(format.name) ? format.name : DEFAULT_JSON_TOOL_NAME;
    const description =
      (format.type === 'json_schema' ? format.description : undefined) ??
      'Give your answer by calling this tool: its input is the answer, as a JSON object.';
    const tool: AnthropicTool = { name, description, input_schema: { type: 'object', ...schema } };
    if (format.type === 'json_schema' && format.strict === true) tool.strict = true;
    options.warn(
      `response_format ${format.type}: Anthropic has no JSON mode; emulated with a forced tool call "${name}" whose input is returned as the answer.`,
    );
    return { kind: 'tool', tool, toolChoice: { type: 'tool', name } };
  }
  const reason = options.hasTools
    ? 'the request has tools'
    : options.thinkingEnabled
      ? 'extended thinking is on'
      : 'the schema root is not an object';
  options.warn(
    `response_format ${format.type}: Anthropic has no JSON mode and a forced tool is impossible (${reason}); emulated with a system-prompt instruction, so the answer is not guaranteed to be JSON.`,
  );
  const text =
    format.type === 'json_schema'
      ? `Answer with a single JSON value that conforms to this JSON Schema, and nothing else: no prose, no Markdown code fences.\n${JSON.stringify(format.schema)}`
      : 'Answer with a single JSON object and nothing else: no prose, no Markdown code fences.';
  return { kind: 'instruction', instruction: { type: 'text', text } };
}
