import type { IncomingMessage, ServerResponse } from 'node:http';

/** A handler for one route. */
export type RouteHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void;

/** Method → handler for one path. */
export type RouteMethods = Partial<Record<'GET' | 'POST' | 'DELETE' | 'PATCH', RouteHandler>>;

/**
 * Exact paths first, then prefixes (for /admin/* and /dashboard/*). A path is accepted with or without
 * the `/v1` prefix, as LiteLLM does, so that either base URL style works.
 */
export class RouteTable {
  private readonly exact = new Map<string, RouteMethods>();
  private readonly prefixes: [string, RouteMethods][] = [];

  /** Adds an exact path. */
  add(path: string, methods: RouteMethods): this {
    this.exact.set(path, methods);
    return this;
  }

  /** Adds a prefix (e.g. `/admin/`). */
  addPrefix(prefix: string, methods: RouteMethods): this {
    this.prefixes.push([prefix, methods]);
    return this;
  }

  /** The methods for a path, if any route matches. */
  find(pathname: string): RouteMethods | undefined {
    const direct =
      this.exact.get(pathname) ?? (pathname.startsWith('/v1/') ? undefined : this.exact.get(`/v1${pathname}`));
    if (direct) return direct;
    return this.prefixes.find(([prefix]) => pathname.startsWith(prefix))?.[1];
  }
}
