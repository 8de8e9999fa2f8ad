import { GatewayError } from '../../spec/index.js';
import type { SimulatedSleep } from './simulated-provider-options.js';

/** How a response unfolds in time, faults included. */
export interface ResponsePlan {
  status: number;
  headers: Record<string, string>;
  /** Wait before the response starts (headers and first chunk). */
  firstByteDelayMs: number;
  /** Body chunks; the first comes with the headers, each later one after its own delay. */
  chunks: { data: string; delayMs: number }[];
  /** Ends the body early, after this many chunks: silently (`cut`) or with a connection error (`reset`). */
  interruption?: { afterChunks: number; kind: 'cut' | 'reset' };
  /** Fails before any response: the connection resets, or nothing ever comes (a hung upstream). */
  failure?: 'reset' | 'hang';
}

/** A simulated HTTP response: the body is read once, as a stream. */
export interface SimulatedResponse {
  status: number;
  headers: Record<string, string>;
  body: AsyncIterable<Uint8Array>;
}

/** What delivery needs from the caller. */
export interface DeliveryContext {
  sleep: SimulatedSleep;
  signal: AbortSignal | undefined;
  /** Fail with `upstream_timeout` when the first byte would come later than this. */
  firstByteTimeoutMs: number | undefined;
  /** Fail with `upstream_timeout` when a pause mid-body would be longer than this. */
  idleTimeoutMs: number | undefined;
}

const PROVIDER = 'the simulated provider';
const encoder = new TextEncoder();

function cancelled(): GatewayError {
  return new GatewayError({ code: 'cancelled', message: 'The request was cancelled.' });
}

function connectionReset(): GatewayError {
  return new GatewayError({
    code: 'upstream_connection',
    message: `The connection to ${PROVIDER} failed: ECONNRESET.`,
  });
}

async function wait(milliseconds: number, context: DeliveryContext): Promise<void> {
  if (context.signal?.aborted) throw cancelled();
  if (milliseconds > 0) {
    try {
      await context.sleep(milliseconds, context.signal);
    } catch (error) {
      if (context.signal?.aborted) throw cancelled();
      throw error;
    }
  }
  // An instant or virtual clock may not watch the signal itself.
  if (context.signal?.aborted) throw cancelled();
}

function untilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(cancelled());
    signal.addEventListener('abort', () => reject(cancelled()), { once: true });
  });
}

async function* streamBody(plan: ResponsePlan, context: DeliveryContext): AsyncIterable<Uint8Array> {
  const end = plan.interruption ? Math.min(plan.interruption.afterChunks, plan.chunks.length) : plan.chunks.length;
  let index = 0;
  while (index < end) {
    const chunk = plan.chunks[index];
    if (!chunk) break;
    if (index > 0) {
      if (context.idleTimeoutMs !== undefined && chunk.delayMs > context.idleTimeoutMs) {
        await wait(context.idleTimeoutMs, context);
        throw new GatewayError({
          code: 'upstream_timeout',
          message: `${PROVIDER} went silent for ${context.idleTimeoutMs} ms mid-response (idle timeout).`,
        });
      }
      await wait(chunk.delayMs, context);
    } else if (context.signal?.aborted) {
      throw cancelled();
    }
    // Chunks due at the same moment travel together, as they would in one TCP segment.
    let data = chunk.data;
    index += 1;
    for (let next = plan.chunks[index]; index < end && next && next.delayMs <= 0; next = plan.chunks[index]) {
      data += next.data;
      index += 1;
    }
    yield encoder.encode(data);
  }
  if (plan.interruption?.kind === 'reset') throw connectionReset();
}

/**
 * Plays a response plan on the injected clock: waits for the first byte, then yields the body chunk
 * by chunk. Honours the signal (a `cancelled` GatewayError), the first-byte and idle timeouts
 * (`upstream_timeout`) and the plan's faults (`upstream_connection` for a reset).
 */
export async function deliverResponse(plan: ResponsePlan, context: DeliveryContext): Promise<SimulatedResponse> {
  const timeout = context.firstByteTimeoutMs;
  if (plan.failure === 'hang' || (timeout !== undefined && plan.firstByteDelayMs > timeout)) {
    if (timeout === undefined) await untilAborted(context.signal);
    else await wait(timeout, context);
    throw new GatewayError({
      code: 'upstream_timeout',
      message: `${PROVIDER} sent no response within ${timeout} ms (first-byte timeout).`,
    });
  }
  await wait(plan.firstByteDelayMs, context);
  if (plan.failure === 'reset') throw connectionReset();
  return { status: plan.status, headers: plan.headers, body: streamBody(plan, context) };
}
