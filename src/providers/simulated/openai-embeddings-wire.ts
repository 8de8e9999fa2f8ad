import { encoder } from '../../tokens/count-tokens.js';

const decode = (tokens: readonly number[]): string => encoder('o200k_base').decode(tokens);

import { countTextTokens } from './count-tokens.js';
import { embedText } from './embed-text.js';
import { invalidType, optionalPositiveInteger, parseJsonObject, requireString } from './parse-helpers.js';
import { SimulatedRequestError } from './simulated-completion.js';

/** An OpenAI embeddings request, as the simulator understands it. */
export interface OpenAiEmbeddingsRequest {
  model: string;
  /** The texts, with their token counts. */
  inputs: { text: string; tokens: number }[];
  dimensions: number | undefined;
  encodingFormat: 'float' | 'base64';
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number' && Number.isInteger(item));
}

function parseInputs(value: unknown): OpenAiEmbeddingsRequest['inputs'] {
  if (typeof value === 'string') return [{ text: value, tokens: countTextTokens(value) }];
  if (isTokenArray(value) && value.length > 0) return [{ text: decode(value), tokens: value.length }];
  if (Array.isArray(value) && value.length > 0) {
    return value.map((item, index) => {
      if (typeof item === 'string') return { text: item, tokens: countTextTokens(item) };
      if (isTokenArray(item)) return { text: decode(item), tokens: item.length };
      throw invalidType(`input[${index}]`, 'a string or an array of tokens', item);
    });
  }
  if (value === undefined) {
    throw new SimulatedRequestError({
      kind: 'invalid_request',
      param: 'input',
      message: "Missing required parameter: 'input'.",
    });
  }
  throw invalidType('input', 'a string or a non-empty array', value);
}

/** Parses and validates a `POST /v1/embeddings` body. Throws SimulatedRequestError. */
export function parseOpenAiEmbeddingsRequest(body: string | undefined): OpenAiEmbeddingsRequest {
  const request = parseJsonObject(body);
  const model = requireString(request, 'model');
  const format = request.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') throw invalidType('encoding_format', "'float' or 'base64'", format);
  return {
    model,
    inputs: parseInputs(request.input),
    dimensions: optionalPositiveInteger(request, 'dimensions'),
    encodingFormat: format,
  };
}

function base64Vector(vector: number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

/** The `list` of embeddings in OpenAI's exact shape (vectors as floats or little-endian float32 base64). */
export function renderOpenAiEmbeddings(request: OpenAiEmbeddingsRequest, defaultDimensions: number): string {
  const dimensions = request.dimensions ?? defaultDimensions;
  const tokens = request.inputs.reduce((sum, input) => sum + input.tokens, 0);
  return JSON.stringify({
    object: 'list',
    data: request.inputs.map((input, index) => {
      const vector = embedText(input.text, dimensions);
      return {
        object: 'embedding',
        index,
        embedding: request.encodingFormat === 'base64' ? base64Vector(vector) : vector,
      };
    }),
    model: request.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  });
}
