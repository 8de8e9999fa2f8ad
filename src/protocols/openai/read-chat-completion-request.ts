import {
  isInteger,
  isNullishBoolean,
  isNullishOr,
  isNullishString,
  isNumber,
  isRecord,
  isString,
  type JsonRecord,
  onlyKeys,
} from '../../providers/shared/json-checks.js';
import type { ChatCompletionRequestBody } from './chat-completion-request-schema.js';

/**
 * `chatCompletionRequestSchema` without zod, for the hot path: the body as the schema would return it,
 * or undefined when it does not pass, or when it takes one of the rare cases the check leaves to zod
 * (deprecated or unsupported fields, which are refused by name after zod; custom tools; keys that the
 * schema would strip). The caller then runs zod, which decides and words the error, so every error
 * reads exactly as before.
 */
export function readChatCompletionRequest(body: JsonRecord): ChatCompletionRequestBody | undefined {
  for (const key in body) {
    const check = TOP_LEVEL_CHECKS.get(key);
    const value = body[key];
    if (!check || (value !== undefined && !check(value))) return undefined;
  }
  if (body.model === undefined || body.messages === undefined) return undefined;
  return body as ChatCompletionRequestBody;
}

type Check = (value: unknown) => boolean;

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const nullish =
  (check: Check): Check =>
  (value) =>
    value === null || check(value);

const isPositiveInteger: Check = (value) => isInteger(value) && value > 0;
const inRange =
  (min: number, max: number): Check =>
  (value) =>
    isNumber(value) && value >= min && value <= max;
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;
const isStringArray = (value: unknown): boolean => Array.isArray(value) && value.every(isString);
const isStringRecord = (value: unknown): boolean => isRecord(value) && Object.values(value).every(isString);

const TEXT_PART_KEYS = new Set(['type', 'text']);
function isTextPart(value: unknown): boolean {
  return isRecord(value) && value.type === 'text' && isString(value.text) && onlyKeys(value, TEXT_PART_KEYS);
}

const IMAGE_PART_KEYS = new Set(['type', 'image_url']);
const IMAGE_URL_KEYS = new Set(['url', 'detail']);
function isImagePart(value: unknown): boolean {
  if (!isRecord(value) || value.type !== 'image_url' || !onlyKeys(value, IMAGE_PART_KEYS)) return false;
  const image = value.image_url;
  return (
    isRecord(image) &&
    isNonEmptyString(image.url) &&
    isNullishOr(
      image.detail,
      (detail): detail is string => detail === 'auto' || detail === 'low' || detail === 'high',
    ) &&
    onlyKeys(image, IMAGE_URL_KEYS)
  );
}

const REFUSAL_PART_KEYS = new Set(['type', 'refusal']);
function isRefusalPart(value: unknown): boolean {
  return isRecord(value) && value.type === 'refusal' && isString(value.refusal) && onlyKeys(value, REFUSAL_PART_KEYS);
}

const isTextOnlyContent = (value: unknown): boolean =>
  isString(value) || (Array.isArray(value) && value.every(isTextPart));

function isToolCall(value: unknown): boolean {
  if (!isRecord(value) || !isNonEmptyString(value.id) || value.type !== 'function') return false;
  const fn = value.function;
  return isRecord(fn) && isNonEmptyString(fn.name) && isString(fn.arguments);
}

function isMessage(value: unknown): boolean {
  if (!isRecord(value) || !isNullishString(value.name)) return false;
  switch (value.role) {
    case 'system':
    case 'developer':
      return isTextOnlyContent(value.content);
    case 'user':
      return (
        isString(value.content) ||
        (Array.isArray(value.content) && value.content.every((part) => isTextPart(part) || isImagePart(part)))
      );
    case 'assistant':
      return (
        (value.content === undefined ||
          value.content === null ||
          isString(value.content) ||
          (Array.isArray(value.content) && value.content.every((part) => isTextPart(part) || isRefusalPart(part)))) &&
        isNullishString(value.refusal) &&
        isNullishString(value.reasoning_content) &&
        isNullishOr(value.tool_calls, (calls): calls is unknown[] => Array.isArray(calls) && calls.every(isToolCall)) &&
        // The deprecated function_call is refused after zod, by name.
        value.function_call === undefined
      );
    case 'tool':
      return isTextOnlyContent(value.content) && isNonEmptyString(value.tool_call_id);
    default:
      // The deprecated 'function' role and anything unknown: zod words it.
      return false;
  }
}

const FUNCTION_TOOL_KEYS = new Set(['type', 'function']);
const FUNCTION_KEYS = new Set(['name', 'description', 'parameters', 'strict']);
function isFunctionTool(value: unknown): boolean {
  if (!isRecord(value) || value.type !== 'function' || !onlyKeys(value, FUNCTION_TOOL_KEYS)) return false;
  return isNamedSchema({ value: value.function, schemaKey: 'parameters', keys: FUNCTION_KEYS });
}

/** A tool's `function` or a response format's `json_schema`: the same four fields, the schema under its own key. */
function isNamedSchema(options: { value: unknown; schemaKey: string; keys: ReadonlySet<string> }): boolean {
  const { value, schemaKey, keys } = options;
  return (
    isRecord(value) &&
    isString(value.name) &&
    NAME.test(value.name) &&
    isNullishString(value.description) &&
    isNullishOr(value[schemaKey], isRecord) &&
    isNullishBoolean(value.strict) &&
    onlyKeys(value, keys)
  );
}

const TOOL_CHOICE_KEYS = new Set(['type', 'function']);
const TOOL_CHOICE_FUNCTION_KEYS = new Set(['name']);
function isToolChoice(value: unknown): boolean {
  if (value === 'none' || value === 'auto' || value === 'required') return true;
  if (!isRecord(value) || value.type !== 'function' || !onlyKeys(value, TOOL_CHOICE_KEYS)) return false;
  const fn = value.function;
  return isRecord(fn) && isNonEmptyString(fn.name) && onlyKeys(fn, TOOL_CHOICE_FUNCTION_KEYS);
}

const TYPE_ONLY_KEYS = new Set(['type']);
const JSON_SCHEMA_FORMAT_KEYS = new Set(['type', 'json_schema']);
const JSON_SCHEMA_KEYS = new Set(['name', 'description', 'schema', 'strict']);
function isResponseFormat(value: unknown): boolean {
  if (!isRecord(value)) return false;
  if (value.type === 'text' || value.type === 'json_object') return onlyKeys(value, TYPE_ONLY_KEYS);
  if (value.type !== 'json_schema' || !onlyKeys(value, JSON_SCHEMA_FORMAT_KEYS)) return false;
  return isNamedSchema({ value: value.json_schema, schemaKey: 'schema', keys: JSON_SCHEMA_KEYS });
}

const STREAM_OPTION_KEYS = new Set(['include_usage', 'include_obfuscation']);
function isStreamOptions(value: unknown): boolean {
  return (
    isRecord(value) &&
    isNullishBoolean(value.include_usage) &&
    isNullishBoolean(value.include_obfuscation) &&
    onlyKeys(value, STREAM_OPTION_KEYS)
  );
}

const never: Check = () => false;

/**
 * Each top-level key and its check, for a present value. The refused fields (`logit_bias`, `audio`,
 * `prediction`, `web_search_options`, `functions`, `function_call`) always go to zod and then to
 * their refusal, as before.
 */
const TOP_LEVEL_CHECKS = new Map<string, Check>([
  ['model', isNonEmptyString],
  ['messages', (value) => Array.isArray(value) && value.length > 0 && value.every(isMessage)],
  ['stream', isNullishBoolean],
  ['stream_options', nullish(isStreamOptions)],
  ['max_tokens', nullish(isPositiveInteger)],
  ['max_completion_tokens', nullish(isPositiveInteger)],
  ['n', nullish(isInteger)],
  ['temperature', nullish(inRange(0, 2))],
  ['top_p', nullish(inRange(0, 1))],
  ['top_k', nullish(isPositiveInteger)],
  ['stop', nullish((value) => isString(value) || isStringArray(value))],
  ['seed', nullish(isInteger)],
  ['presence_penalty', nullish(inRange(-2, 2))],
  ['frequency_penalty', nullish(inRange(-2, 2))],
  ['tools', nullish((value) => Array.isArray(value) && value.every(isFunctionTool))],
  ['tool_choice', nullish(isToolChoice)],
  ['parallel_tool_calls', isNullishBoolean],
  ['response_format', nullish(isResponseFormat)],
  ['reasoning_effort', isNullishString],
  ['user', isNullishString],
  ['safety_identifier', isNullishString],
  ['store', isNullishBoolean],
  ['metadata', nullish(isStringRecord)],
  ['service_tier', isNullishString],
  ['prompt_cache_key', isNullishString],
  ['prompt_cache_retention', isNullishString],
  ['verbosity', isNullishString],
  ['logprobs', isNullishBoolean],
  ['top_logprobs', nullish(isNumber)],
  ['modalities', nullish(isStringArray)],
  ['logit_bias', never],
  ['audio', never],
  ['prediction', never],
  ['web_search_options', never],
  ['functions', never],
  ['function_call', never],
]);
