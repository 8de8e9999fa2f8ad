import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../spec/index.js';
import type { SettleObserver } from '../stages/settle/settled-request.js';
import type { BudgetAlert } from './create-alert-log.js';
import { toRequestSummary } from './to-request-summary.js';

/** Options for {@link createEventFeed}. */
export interface EventFeedOptions {
  /** Live connections allowed at once (default 20); more are refused with a 429. */
  maxSubscribers?: number;
  /** A comment line keeps idle connections open through proxies (default every 15 s). */
  heartbeatMs?: number;
  /** Events buffered between flushes (default 1000); beyond it, a burst is thinned and the client told. */
  maxPending?: number;
  /** A subscriber whose unsent output exceeds this is dropped (default 1 MiB): a stalled tab must not grow memory. */
  maxBufferedBytes?: number;
}

/** The live feed of settled requests and alerts (`GET /admin/events`, server-sent events). */
export interface EventFeed {
  /** Add to the gateway's observers. Costs nothing while nobody watches. */
  observer: SettleObserver;
  /** Sends an alert to everyone watching. */
  publishAlert(alert: BudgetAlert): void;
  /** Streams events to one client until it goes away. */
  subscribe(request: IncomingMessage, response: ServerResponse): void;
  /** Connections open now. */
  readonly subscriberCount: number;
  /** Ends every connection and stops the heartbeat. */
  close(): void;
}

/**
 * Server-sent events: `event: request` with the request in the ledger's row shape, `event: alert`
 * with a budget alert, and `event: dropped` when a burst had to be thinned. Events are collected
 * during a tick and written once per tick, so that the settle stage only appends to an array.
 */
export function createEventFeed(options: EventFeedOptions = {}): EventFeed {
  const maxSubscribers = options.maxSubscribers ?? 20;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const maxPending = options.maxPending ?? 1_000;
  const maxBufferedBytes = options.maxBufferedBytes ?? 1024 * 1024;
  const subscribers = new Set<ServerResponse>();
  let pending: string[] = [];
  let dropped = 0;
  let scheduled = false;
  let heartbeat: NodeJS.Timeout | undefined;

  const send = (response: ServerResponse, text: string): void => {
    if (response.writableLength > maxBufferedBytes) {
      subscribers.delete(response);
      response.destroy();
      return;
    }
    response.write(text);
  };

  const flush = (): void => {
    scheduled = false;
    let text = pending.join('');
    if (dropped > 0) text += `event: dropped\ndata: ${JSON.stringify({ count: dropped })}\n\n`;
    pending = [];
    dropped = 0;
    for (const response of subscribers) send(response, text);
  };

  const enqueue = (event: string, data: unknown): void => {
    if (pending.length >= maxPending) {
      dropped++;
      return;
    }
    pending.push(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  };

  const stopHeartbeatIfIdle = (): void => {
    if (subscribers.size === 0 && heartbeat) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };

  return {
    observer: {
      onSettled(settled) {
        if (subscribers.size === 0) return;
        enqueue('request', toRequestSummary(settled));
      },
    },
    publishAlert(alert) {
      if (subscribers.size > 0) enqueue('alert', alert);
    },
    subscribe(request, response) {
      if (subscribers.size >= maxSubscribers) {
        throw new GatewayError({
          code: 'rate_limited',
          message: `Too many live dashboard connections (at most ${maxSubscribers}); close a tab or poll /admin/requests.`,
          retryAfterMs: 5_000,
        });
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      response.write('retry: 5000\n: connected\n\n');
      subscribers.add(response);
      const leave = (): void => {
        subscribers.delete(response);
        stopHeartbeatIfIdle();
      };
      request.on('close', leave);
      response.on('close', leave);
      heartbeat ??= setInterval(() => {
        for (const subscriber of subscribers) send(subscriber, ': ping\n\n');
      }, heartbeatMs).unref();
    },
    get subscriberCount() {
      return subscribers.size;
    },
    close() {
      for (const response of subscribers) response.end();
      subscribers.clear();
      stopHeartbeatIfIdle();
    },
  };
}
