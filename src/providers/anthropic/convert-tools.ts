import type { ToolChoice, ToolDefinition } from '../../spec/index.js';
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-messages-body.js';

/** The `tools` and `tool_choice` fields of an Anthropic request. */
export interface ConvertedTools {
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
}

/**
 * Converts tool definitions and the tool choice. OpenAI's `parallel_tool_calls: false` becomes
 * Anthropic's `disable_parallel_tool_use`, which lives inside `tool_choice`.
 */
export function convertTools(options: {
  tools: ToolDefinition[] | undefined;
  toolChoice: ToolChoice | undefined;
  parallelToolCalls: boolean | undefined;
  /** Extended thinking forbids forcing a tool (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking). */
  thinkingEnabled: boolean;
  warn(message: string): void;
}): ConvertedTools {
  const tools = options.tools ?? [];
  if (tools.length === 0) {
    if (options.toolChoice !== undefined && options.toolChoice.type !== 'none') {
      options.warn('tool_choice was dropped: the request has no tools.');
    }
    return {};
  }
  let choice: ToolChoice = options.toolChoice ?? { type: 'auto' };
  if (options.thinkingEnabled && (choice.type === 'required' || choice.type === 'tool')) {
    options.warn('tool_choice that forces a tool is not allowed with Anthropic extended thinking; sent "auto".');
    choice = { type: 'auto' };
  }
  const disableParallel = options.parallelToolCalls === false;
  let toolChoice: AnthropicToolChoice | undefined;
  switch (choice.type) {
    case 'none':
      toolChoice = { type: 'none' };
      break;
    case 'auto':
      toolChoice = disableParallel || options.toolChoice !== undefined ? { type: 'auto' } : undefined;
      break;
    case 'required':
      toolChoice = { type: 'any' };
      break;
    case 'tool':
      toolChoice = { type: 'tool', name: choice.name };
      break;
    default: {
      const unreachable: never = choice;
      return unreachable;
    }
  }
  if (disableParallel && toolChoice && toolChoice.type !== 'none') toolChoice.disable_parallel_tool_use = true;
  return {
    tools: tools.map(convertTool),
    ...(toolChoice ? { tool_choice: toolChoice } : {}),
  };
}

function convertTool(tool: ToolDefinition): AnthropicTool {
  // Anthropic requires an object schema; OpenAI lets a function omit its parameters.
  const inputSchema =
    tool.parameters.type === undefined ? { type: 'object', properties: {}, ...tool.parameters } : tool.parameters;
  const converted: AnthropicTool = { name: tool.name, input_schema: inputSchema };
  if (tool.description !== undefined) converted.description = tool.description;
  if (tool.strict === true) converted.strict = true;
  return converted;
}
