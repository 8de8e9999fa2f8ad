import type { IncomingMessage, ServerResponse } from 'node:http';

/** Routes whose requests spend model capacity; the batch lane's own routes do not count. */
const MODEL_ROUTE = /^(\/v1)?\/(chat\/completions|messages|embeddings)\/?$/;

/**
 * Counts interactive model requests in flight, so that batch work can give way to them. The gateway
 * calls {@link InteractiveLoad.track} for every incoming request; requests marked
 * `x-tollgate-priority: batch` (including the lane's own lines) are not counted.
 */
export class InteractiveLoad {
  private count = 0;
  private readonly listeners = new Set<() => void>();

  /** Interactive model requests in flight now. */
  get inFlight(): number {
    return this.count;
  }

  /** Counts the request until its response closes (finished or abandoned). */
  track(request: IncomingMessage, response: ServerResponse): void {
    if (request.headers['x-tollgate-priority'] === 'batch') return;
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (!MODEL_ROUTE.test(path)) return;
    this.count += 1;
    response.once('close', () => {
      this.count -= 1;
      for (const listener of this.listeners) listener();
    });
  }

  /** Calls `listener` whenever an interactive request ends (room may have opened); returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
