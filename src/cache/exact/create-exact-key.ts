import { createHash } from 'node:crypto';
import type { ChatRequest } from '../../spec/index.js';
import { canonicalJson } from './canonical-json.js';
import { canonicalizeRequest } from './canonicalize-request.js';

/** Directives that change which model answers, hence the answer (for `auto` and tiers). */
export interface ExactKeyRouting {
  /** `x-tollgate-min-quality`. */
  minQuality?: number | undefined;
  /** `x-tollgate-data-residency`. */
  dataResidency?: string | undefined;
}

/**
 * The exact-cache key of a request: a SHA-256 over the canonical JSON of the tenant, the routing
 * directives that pick the model, and the request's canonical form (see `canonicalizeRequest`).
 * The tenant is inside the hash, so no tenant can ever read another's entry, whatever it sends.
 */
export function createExactKey(options: { tenant: string; request: ChatRequest; routing?: ExactKeyRouting }): string {
  const canonical = canonicalJson({
    version: 1,
    tenant: options.tenant,
    routing: {
      minQuality: options.routing?.minQuality,
      dataResidency: options.routing?.dataResidency === 'any' ? undefined : options.routing?.dataResidency,
    },
    request: canonicalizeRequest(options.request),
  });
  return `exact:v1:${createHash('sha256').update(canonical).digest('hex')}`;
}
