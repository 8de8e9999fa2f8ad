import type { ClientProtocol } from '../protocols/client-protocol.js';

/** What the client asked of the gateway itself, through `x-tollgate-*` request headers. */
export interface GatewayDirectives {
  /** Cost attribution: tenant (from the virtual key, else the header, else `default`). */
  tenant: string;
  /** Cost attribution: feature. */
  feature: string;
  /** `local`: must not leave local endpoints. */
  dataResidency: 'any' | 'local';
  /** Skip endpoints whose time to first token plus queue wait exceeds this. */
  latencyBudgetMs: number | undefined;
  /** Lowest acceptable tier quality, 0–1. */
  minQuality: number | undefined;
  /** Cache use for this request. */
  cache: 'on' | 'off' | 'exact-only';
  /** Interactive traffic is served first; batch may be queued. */
  priority: 'interactive' | 'batch';
}

/** Per-request state that every stage reads and some stages fill in. */
export interface RequestContext {
  /** The gateway's id for this request. */
  requestId: string;
  /** `performance.now()` when the request arrived. */
  startedAt: number;
  /** Wall-clock ms when the request arrived. */
  startedAtEpochMs: number;
  /** The client's API shape. */
  protocol: ClientProtocol;
  /** Gateway directives from headers and the key. */
  directives: GatewayDirectives;
  /** The virtual key's id, when one was used. */
  keyId: string | undefined;
  /** Dropped or clamped parameters; sent as `x-tollgate-warning` and logged. */
  warnings: string[];
  /** Aborted when the client disconnects. */
  abort: AbortController;
  /** Milliseconds spent waiting on providers so far (for the overhead figure). */
  upstreamMs: number;
}
