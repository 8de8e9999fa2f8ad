/** What a generated value may draw on. */
export interface JsonValueContext {
  /** Deterministic random source. */
  random: () => number;
  /** Words of the prompt, most relevant first (proper nouns, then other content words). */
  promptWords: readonly string[];
  /** Filler words for longer strings. */
  fillerWords: readonly string[];
}

const MAX_DEPTH = 6;
const PLACE_LIKE = /city|location|place|country|region|destination|origin|name|query|topic|subject|term|keyword/i;

function pick<T>(items: readonly T[], random: () => number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(random() * items.length)];
}

function words(count: number, context: JsonValueContext): string {
  const chosen: string[] = [];
  for (let index = 0; index < count; index++) {
    const source = index < 2 && context.promptWords.length > 0 ? context.promptWords : context.fillerWords;
    chosen.push(pick(source, context.random) ?? 'value');
  }
  return chosen.join(' ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringValue(schema: Record<string, unknown>, key: string | undefined, context: JsonValueContext): string {
  switch (schema.format) {
    case 'date':
      return '2025-06-01';
    case 'date-time':
      return '2025-06-01T12:00:00Z';
    case 'email':
      return 'someone@example.com';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    case 'uuid':
      return '123e4567-e89b-42d3-a456-426614174000';
  }
  if (key && PLACE_LIKE.test(key) && context.promptWords.length > 0) return context.promptWords[0] ?? 'value';
  let text = words(1 + Math.floor(context.random() * 3), context);
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  while (text.length < minLength) text += ` ${words(1, context)}`;
  if (typeof schema.maxLength === 'number') text = text.slice(0, schema.maxLength);
  return text;
}

function numberValue(schema: Record<string, unknown>, integer: boolean, context: JsonValueContext): number {
  const minimum = typeof schema.minimum === 'number' ? schema.minimum : 0;
  const maximum = typeof schema.maximum === 'number' ? schema.maximum : minimum + 100;
  const value = minimum + context.random() * (maximum - minimum);
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

function objectValue(
  schema: Record<string, unknown>,
  depth: number,
  context: JsonValueContext,
): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : [];
  // Best effort like a real model: the required properties, or every property when none is required.
  const keys = required.length > 0 ? required : Object.keys(properties);
  const result: Record<string, unknown> = {};
  for (const key of keys)
    result[key] = generateJsonValue({ schema: properties[key] ?? {}, key, depth: depth + 1, context });
  return result;
}

function typeOf(schema: Record<string, unknown>): string | undefined {
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== 'null') ?? 'null';
  if (isRecord(schema.properties)) return 'object';
  if (isRecord(schema.items)) return 'array';
  return undefined;
}

/**
 * A value that satisfies a JSON Schema, best effort (types, enums, required properties, bounds), drawn
 * deterministically from the context: what a model produces for a tool call or structured output.
 */
export function generateJsonValue(input: {
  schema: unknown;
  key?: string;
  depth?: number;
  context: JsonValueContext;
}): unknown {
  const { key, context } = input;
  const depth = input.depth ?? 0;
  const schema = isRecord(input.schema) ? input.schema : {};
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return pick(schema.enum, context.random);
  for (const combinator of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[combinator];
    if (Array.isArray(options) && options.length > 0) {
      const usable = options.find((option) => isRecord(option) && option.type !== 'null') ?? options[0];
      return generateJsonValue({ schema: usable, key, depth, context });
    }
  }
  if (depth > MAX_DEPTH) return null;
  switch (typeOf(schema)) {
    case 'object':
      return objectValue(schema, depth, context);
    case 'array': {
      const minItems = typeof schema.minItems === 'number' ? schema.minItems : 1;
      const count = Math.max(minItems, Math.min(2, typeof schema.maxItems === 'number' ? schema.maxItems : 2));
      return Array.from({ length: count }, () =>
        generateJsonValue({ schema: schema.items ?? { type: 'string' }, key, depth: depth + 1, context }),
      );
    }
    case 'integer':
      return numberValue(schema, true, context);
    case 'number':
      return numberValue(schema, false, context);
    case 'boolean':
      return context.random() < 0.5;
    case 'null':
      return null;
    default:
      return stringValue(schema, key, context);
  }
}
