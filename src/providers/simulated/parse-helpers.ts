import { SimulatedRequestError } from './simulated-completion.js';

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Fails the request with an invalid-type message naming the parameter. */
export function invalidType(param: string, expected: string, value: unknown): SimulatedRequestError {
  return new SimulatedRequestError({
    kind: 'invalid_request',
    param,
    message: `Invalid type for '${param}': expected ${expected}, but got ${describe(value)} instead.`,
  });
}

/** Parses a request body as a JSON object, or fails the request. */
export function parseJsonObject(body: string | undefined): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body ?? '');
  } catch {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      message: 'We could not parse the JSON body of your request. The body must be valid JSON.',
    });
  }
  if (!isJsonObject(parsed)) throw invalidType('body', 'an object', parsed);
  return parsed;
}

/** A required string field. */
export function requireString(object: JsonObject, param: string): string {
  const value = object[param];
  if (value === undefined) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param,
      message: `Missing required parameter: '${param}'.`,
    });
  }
  if (typeof value !== 'string') throw invalidType(param, 'a string', value);
  return value;
}

/** An optional positive integer field. */
export function optionalPositiveInteger(object: JsonObject, param: string): number | undefined {
  const value = object[param];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw invalidType(param, 'an integer', value);
  if (value < 1) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param,
      message: `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
    });
  }
  return value;
}

/** Stop sequences given as one string or a list. */
export function stopSequences(value: unknown, param: string): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value;
  throw invalidType(param, 'a string or an array of strings', value);
}
