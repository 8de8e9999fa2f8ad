import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { GatewayError } from '../../spec/index.js';

/** Reads a trace file as text, gunzipping `.gz` files; a missing file is a clear `invalid_request`. */
export async function readTraceText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new GatewayError({ code: 'invalid_request', message: `Cannot read the trace ${path}`, cause: error });
  }
  if (!path.endsWith('.gz')) return bytes.toString('utf8');
  try {
    return gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new GatewayError({ code: 'invalid_request', message: `${path} is not a gzip file`, cause: error });
  }
}
