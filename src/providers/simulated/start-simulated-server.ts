import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { GatewayError } from '../../spec/index.js';
import { createSimulatedHandler, type SimulatedHandler } from './create-simulated-handler.js';
import {
  SIMULATED_FAULT_KINDS,
  type SimulatedFault,
  type SimulatedProviderOptions,
} from './simulated-provider-options.js';

/** Options for {@link startSimulatedServer}. */
export interface SimulatedServerOptions extends SimulatedProviderOptions {
  /** Interface to listen on (default `127.0.0.1`). */
  host?: string;
  /** Port (default 0: any free port). */
  port?: number;
  /** Serve through this handler instead of creating one from the options. */
  handler?: SimulatedHandler;
}

/** A running simulated provider. */
export interface SimulatedServer {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  /** The handler behind the server (its prefix cache, for inspection). */
  handler: SimulatedHandler;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function write(response: ServerResponse, chunk: Uint8Array): Promise<void> {
  if (response.write(chunk)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

async function serve(handler: SimulatedHandler, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const abort = new AbortController();
  // The client going away must stop a stream or a hung request, as it would at a real provider.
  response.on('close', () => {
    if (!response.writableFinished) abort.abort();
  });
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request);
  try {
    const simulated = await handler.handle({
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: flatHeaders(request),
      body,
      signal: abort.signal,
    });
    if (!simulated.headers['content-type']?.startsWith('text/event-stream')) {
      // A whole body goes out in one write with its length, as a real API sends JSON.
      const chunks: Uint8Array[] = [];
      for await (const chunk of simulated.body) chunks.push(chunk);
      const whole = Buffer.concat(chunks);
      response.writeHead(simulated.status, { ...simulated.headers, 'content-length': String(whole.byteLength) });
      response.end(whole);
      return;
    }
    // Headers leave with the first event, which is ready as soon as the handler resolves.
    response.writeHead(simulated.status, simulated.headers);
    for await (const chunk of simulated.body) {
      if (abort.signal.aborted) break;
      await write(response, chunk);
    }
    response.end();
  } catch (error) {
    // A reset or an abort: drop the connection so the client sees what a real network failure looks like.
    if (!(error instanceof GatewayError)) process.emitWarning(`simulated provider failed: ${String(error)}`);
    request.socket.destroy();
  }
}

/**
 * Runs the simulated provider as a real HTTP server (for benchmarks and end-to-end tests with the
 * official SDKs). A `reset` fault destroys the socket; a `cut_stream` ends the body early.
 */
export async function startSimulatedServer(options: SimulatedServerOptions = {}): Promise<SimulatedServer> {
  const handler = options.handler ?? createSimulatedHandler(options);
  const server = createServer((request, response) => {
    void serve(handler, request, response);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/v1`,
    handler,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parseFault(text: string): SimulatedFault {
  const [kind = '', probability = '1', retryAfter] = text.split(':');
  const known = SIMULATED_FAULT_KINDS.find((candidate) => candidate === kind);
  const chance = Number(probability);
  if (!known || !(chance >= 0 && chance <= 1)) {
    throw new Error(
      `--fault must be KIND[:PROBABILITY[:RETRY_AFTER_S]] with KIND one of ${SIMULATED_FAULT_KINDS.join(', ')}`,
    );
  }
  return retryAfter === undefined
    ? { kind: known, probability: chance }
    : { kind: known, probability: chance, retryAfterS: Number(retryAfter) };
}

/** What the command writes to and when it stops (SIGINT/SIGTERM unless a test says otherwise). */
export interface SimulatedServerCommandContext {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Resolves when the server should stop. */
  stopped?: Promise<void>;
}

/**
 * `tollgate simulate [--port N] [--host H] [--ttft-ms N] [--tokens-per-second N] [--output-tokens N]
 * [--fault KIND:PROBABILITY[:RETRY_AFTER_S]]...`: runs the simulated provider until stopped.
 */
export async function runSimulatedServerCommand(
  argv: string[],
  context: SimulatedServerCommandContext = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const number = (value: string | undefined, name: string): number | undefined => {
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new Error(`--${name} must be a non-negative number, not "${value}"`);
    return parsed;
  };
  let options: SimulatedServerOptions;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        host: { type: 'string' },
        'ttft-ms': { type: 'string' },
        'tokens-per-second': { type: 'string' },
        'output-tokens': { type: 'string' },
        fault: { type: 'string', multiple: true },
      },
    });
    options = {
      host: values.host ?? '127.0.0.1',
      port: number(values.port, 'port') ?? 4010,
      ttftMs: number(values['ttft-ms'], 'ttft-ms'),
      tokensPerSecond: number(values['tokens-per-second'], 'tokens-per-second'),
      outputTokens: number(values['output-tokens'], 'output-tokens'),
      faults: (values.fault ?? []).map(parseFault),
    };
  } catch (error) {
    context.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const server = await startSimulatedServer(options);
  context.stdout.write(`Simulated provider (OpenAI and Anthropic wire protocols) listening on ${server.url}\n`);
  await (context.stopped ??
    new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    }));
  await server.close();
  return 0;
}
