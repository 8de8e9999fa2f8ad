import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from './select-openapi-operations.js';

/** Checks a value against a schema of the document; returns one line per violation (none: valid). */
export type SchemaValidator = (schemaReference: string, value: unknown) => string[];

const JSON_TYPES = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);

/**
 * OpenAPI 3.0's `nullable: true` (still used throughout OpenAI's 3.1 document) as JSON Schema. With a
 * single `type` it reads as prism's own translation (@stoplight/http-spec) does: `[type, "null"]`,
 * and `null` joins an `enum`. Beside a `$ref` (no `type`) prism drops it, but the document means "or
 * null" there: a stream chunk's `usage` "contains a null value except for the last chunk", which is
 * what OpenAI sends. So that case becomes `anyOf: [schema, {type: null}]`.
 */
function convertNullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convertNullable);
  if (node === null || typeof node !== 'object') return node;
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) converted[key] = convertNullable(value);
  if (!('nullable' in converted)) return converted;
  const nullable = converted.nullable === true;
  delete converted.nullable;
  const type = converted.type;
  if (nullable && typeof type === 'string' && JSON_TYPES.has(type)) {
    converted.type = [type, 'null'];
    if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
    return converted;
  }
  if (nullable && type === undefined && typeof converted.$ref === 'string') {
    const { description, ...schema } = converted;
    return { description, anyOf: [schema, { type: 'null' }] };
  }
  return converted;
}

/**
 * JSON Schema validation against an OpenAPI 3.1 document's components (OpenAPI 3.1 schemas are JSON
 * Schema 2020-12), for what prism cannot check itself: the events of an SSE stream, each of which
 * the spec describes as one `CreateChatCompletionStreamResponse`. OpenAPI-only keywords
 * (`discriminator`, `x-…`) are ignored, as prism ignores them; string formats are not checked.
 */
export function createSchemaValidator(document: OpenApiDocument): SchemaValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true, allowUnionTypes: true, validateFormats: false });
  ajv.addSchema({ $id: 'openapi.json', components: convertNullable(document.components) });
  return (schemaReference, value) => {
    const validate = ajv.getSchema(`openapi.json${schemaReference}`);
    if (!validate) throw new Error(`No schema ${schemaReference} in the document`);
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}`);
  };
}
