import { readFile, writeFile } from 'node:fs/promises';
import { GatewayError } from '../../spec/gateway-error.js';
import { LearnedRouter } from './learned-router.js';
import { parseRouterFile } from './router-file.js';

/** Reads and validates a `router.json`; a missing or invalid file is a GatewayError naming the path. */
export async function loadRouter(path: string): Promise<LearnedRouter> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GatewayError({ code: 'invalid_request', message: `Cannot read router file ${path}`, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GatewayError({ code: 'invalid_request', message: `Router file ${path} is not valid JSON`, cause: error });
  }
  try {
    return new LearnedRouter(parseRouterFile(value));
  } catch (error) {
    if (error instanceof GatewayError) {
      throw new GatewayError({ code: error.code, message: `${path}: ${error.message}`, cause: error });
    }
    throw error;
  }
}

/** Writes a router as `router.json`. */
export async function saveRouter(input: { router: LearnedRouter; path: string }): Promise<void> {
  await writeFile(input.path, `${JSON.stringify(input.router.toFile())}\n`, 'utf8');
}
