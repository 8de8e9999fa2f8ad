/**
 * Type checks for parsed JSON, for the hand-written fast paths that read wire payloads on the hot
 * path (a zod parse of every chunk costs more than the rest of the chunk's handling). Each check
 * accepts exactly what the matching zod schema accepts, so a fast path that only uses these can fall
 * back to zod for the error message without ever accepting something zod would refuse.
 */

/** A JSON object, as zod's object schemas accept it: not null, not an array. */
export type JsonRecord = Record<string, unknown>;

/**
 * `z.object()` / `z.looseObject()`'s own test (not null, not an array), narrowed to objects without
 * an own `__proto__` key (JSON.parse makes one from `"__proto__": …`): zod leaves that key out of
 * what it returns, so a fast path that hands objects on as they are leaves those to zod.
 */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Object.hasOwn(value, '__proto__');
}

/** `z.number()`: finite, not NaN. */
export function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `z.number().int()` (zod 4: a safe integer). */
export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

/** `z.number().int().nonnegative()`. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** `.nullish()` of a check: absent, null, or passing it. */
export function isNullishOr<T>(value: unknown, check: (value: unknown) => value is T): value is T | null | undefined {
  return value === undefined || value === null || check(value);
}

/** `z.string()`. */
export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/** `z.string().nullish()`. */
export function isNullishString(value: unknown): value is string | null | undefined {
  return value === undefined || value === null || typeof value === 'string';
}

/** `z.boolean().nullish()`. */
export function isNullishBoolean(value: unknown): value is boolean | null | undefined {
  return value === undefined || value === null || typeof value === 'boolean';
}

/** Every key of a strip-mode `z.object` is known (an unknown one would be dropped by zod: left to it). */
export function onlyKeys(value: JsonRecord, keys: ReadonlySet<string>): boolean {
  for (const key in value) if (!keys.has(key)) return false;
  return true;
}
