import {
  isCount,
  isInteger,
  isNullishOr,
  isNullishString,
  isNumber,
  isRecord,
  isString,
  onlyKeys,
} from '../../providers/shared/json-checks.js';
import type { AnthropicRequest } from './anthropic-request-schema.js';

/**
 * `anthropicRequestSchema` without zod, for the hot path: the body as the schema would return it, or
 * undefined when it does not pass, or when it takes one of the cases the check leaves to zod (image
 * URLs, keys a strip-mode object would drop). The caller then runs zod, which decides and words the
 * error in Anthropic's terms, so every error reads exactly as before.
 */
export function readAnthropicRequest(body: unknown): AnthropicRequest | undefined {
  if (!isRecord(body)) return undefined;
  const ok =
    isString(body.model) &&
    body.model.length > 0 &&
    isInteger(body.max_tokens) &&
    body.max_tokens > 0 &&
    Array.isArray(body.messages) &&
    body.messages.length > 0 &&
    body.messages.every(isMessage) &&
    optional(body.system, (system) => isString(system) || (Array.isArray(system) && system.every(isTextBlock))) &&
    optional(body.tools, (tools) => Array.isArray(tools) && tools.every(isTool)) &&
    optional(body.tool_choice, isToolChoice) &&
    optional(body.stop_sequences, (stops) => Array.isArray(stops) && stops.every(isString)) &&
    optional(body.temperature, inUnitRange) &&
    optional(body.top_p, inUnitRange) &&
    optional(body.top_k, isCount) &&
    optional(body.metadata, (metadata) => isRecord(metadata) && isNullishString(metadata.user_id)) &&
    optional(body.stream, (stream) => typeof stream === 'boolean') &&
    optional(body.thinking, isThinking) &&
    optional(body.output_config, isOutputConfig);
  return ok ? (body as AnthropicRequest) : undefined;
}

/** `.optional()`: absent (not null) or passing. */
function optional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

function inUnitRange(value: unknown): boolean {
  return isNumber(value) && value >= 0 && value <= 1;
}

const MESSAGE_KEYS = new Set(['role', 'content']);
function isMessage(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.role === 'user' || value.role === 'assistant' || value.role === 'system') &&
    (isString(value.content) || (Array.isArray(value.content) && value.content.every(isContentBlock))) &&
    onlyKeys(value, MESSAGE_KEYS)
  );
}

const CACHE_CONTROL_KEYS = new Set(['type', 'ttl']);
function isCacheControl(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    (isRecord(value) &&
      value.type === 'ephemeral' &&
      (value.ttl === undefined || value.ttl === '5m' || value.ttl === '1h') &&
      onlyKeys(value, CACHE_CONTROL_KEYS))
  );
}

function isTextBlock(value: unknown): boolean {
  return isRecord(value) && value.type === 'text' && isString(value.text) && isCacheControl(value.cache_control);
}

const BASE64_SOURCE_KEYS = new Set(['type', 'media_type', 'data']);
const MEDIA_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Base64 images only: a URL source goes through zod's URL parsing. */
function isImageBlock(value: unknown): boolean {
  if (!isRecord(value) || value.type !== 'image' || !isCacheControl(value.cache_control)) return false;
  const source = value.source;
  return (
    isRecord(source) &&
    source.type === 'base64' &&
    typeof source.media_type === 'string' &&
    MEDIA_TYPES.has(source.media_type) &&
    isString(source.data) &&
    onlyKeys(source, BASE64_SOURCE_KEYS)
  );
}

function isContentBlock(value: unknown): boolean {
  if (!isRecord(value)) return false;
  switch (value.type) {
    case 'text':
      return isTextBlock(value);
    case 'image':
      return isImageBlock(value);
    case 'tool_use':
      return isString(value.id) && isString(value.name) && isRecord(value.input) && isCacheControl(value.cache_control);
    case 'tool_result':
      return (
        isString(value.tool_use_id) &&
        optional(
          value.content,
          (content) =>
            isString(content) ||
            (Array.isArray(content) && content.every((block) => isTextBlock(block) || isImageBlock(block))),
        ) &&
        optional(value.is_error, (flag) => typeof flag === 'boolean') &&
        isCacheControl(value.cache_control)
      );
    case 'thinking':
      return isString(value.thinking) && isString(value.signature);
    default:
      return false;
  }
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
function isTool(value: unknown): boolean {
  return (
    isRecord(value) &&
    (value.type === undefined || value.type === 'custom') &&
    isString(value.name) &&
    TOOL_NAME.test(value.name) &&
    optional(value.description, isString) &&
    isRecord(value.input_schema) &&
    value.input_schema.type === 'object' &&
    optional(value.strict, (strict) => typeof strict === 'boolean') &&
    isCacheControl(value.cache_control)
  );
}

const TOOL_CHOICE_KEYS = new Set(['type', 'disable_parallel_tool_use']);
const NAMED_TOOL_CHOICE_KEYS = new Set(['type', 'name', 'disable_parallel_tool_use']);
const NONE_KEYS = new Set(['type']);
function isToolChoice(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const parallel = optional(value.disable_parallel_tool_use, (flag) => typeof flag === 'boolean');
  switch (value.type) {
    case 'auto':
    case 'any':
      return parallel && onlyKeys(value, TOOL_CHOICE_KEYS);
    case 'tool':
      return isString(value.name) && parallel && onlyKeys(value, NAMED_TOOL_CHOICE_KEYS);
    case 'none':
      return onlyKeys(value, NONE_KEYS);
    default:
      return false;
  }
}

const ENABLED_THINKING_KEYS = new Set(['type', 'budget_tokens']);
function isThinking(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (value.type === 'enabled') {
    return isInteger(value.budget_tokens) && value.budget_tokens >= 1024 && onlyKeys(value, ENABLED_THINKING_KEYS);
  }
  if (value.type === 'disabled') return onlyKeys(value, NONE_KEYS);
  return value.type === 'adaptive';
}

const EFFORTS = new Set(['low', 'medium', 'high', 'xhigh', 'max']);
const FORMAT_KEYS = new Set(['type', 'schema']);
function isOutputConfig(value: unknown): boolean {
  if (!isRecord(value)) return false;
  const effort = value.effort;
  if (!isNullishOr(effort, (item): item is string => typeof item === 'string' && EFFORTS.has(item))) return false;
  const format = value.format;
  return (
    format === undefined ||
    format === null ||
    (isRecord(format) && format.type === 'json_schema' && isRecord(format.schema) && onlyKeys(format, FORMAT_KEYS))
  );
}
