import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../../spec/index.js';

/** Reads the request body, refusing more than `maxBytes` (413) before reading it all. */
export function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.on('error', (error) =>
      reject(new GatewayError({ code: 'cancelled', message: 'The client stopped sending the request.', cause: error })),
    );
  });
}

function tooLarge(maxBytes: number): GatewayError {
  return new GatewayError({
    code: 'payload_too_large',
    message: `The request body is larger than the gateway accepts (${maxBytes} bytes; server.max_body_bytes).`,
  });
}

/** Parses a JSON body; a syntax error becomes a 400 that says where. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) {
    throw new GatewayError({ code: 'invalid_json', message: 'The request body is empty; a JSON object was expected.' });
  }
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new GatewayError({
      code: 'invalid_json',
      message: `The request body is not valid JSON: ${(error as Error).message}`,
    });
  }
}
