import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayCore } from '../gateway/gateway-core.js';
import { authenticate, presentedKey } from '../stages/auth/authenticate.js';
import { parseDirectives } from '../stages/parse/parse-directives.js';
import type { BatchCaller } from './store/batch-records.js';

/** Gateway headers a batch remembers from its creation and sends with every line. */
const REPLAYED_HEADERS = [
  'x-tollgate-tenant',
  'x-tollgate-feature',
  'x-tollgate-cache',
  'x-tollgate-data-residency',
  'x-tollgate-min-quality',
] as const;

/** Who is calling a batch route, and what a batch they create will carry. */
export interface BatchRequester {
  /** The master key: sees every batch and file. */
  master: boolean;
  /** The tenant of the caller's virtual key; such a caller sees only its tenant's batches and files. */
  tenant: string | undefined;
  /** What lines of a batch created by this caller are sent with. */
  caller: BatchCaller;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Authenticates a batch route like any other request (401/403 in the caller's protocol) and checks
 * its `x-tollgate-*` headers (400 when malformed), so a batch cannot be created with attribution its
 * lines would then be refused for. `metadata` may name `tollgate_tenant` and `tollgate_feature` when
 * the client cannot set headers; headers win.
 */
export function resolveRequester(options: {
  core: GatewayCore;
  headers: IncomingHttpHeaders;
  metadata?: Record<string, string> | undefined;
}): BatchRequester {
  const { core, headers } = options;
  const authenticated = authenticate({ headers, masterKey: core.masterKey, keys: core.keys });
  const replayed: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = header(headers, name);
    if (value !== undefined) replayed[name] = value;
  }
  const fromMetadata = { 'x-tollgate-tenant': 'tollgate_tenant', 'x-tollgate-feature': 'tollgate_feature' } as const;
  for (const [name, key] of Object.entries(fromMetadata)) {
    const value = options.metadata?.[key];
    if (replayed[name] === undefined && value !== undefined) replayed[name] = value;
  }
  parseDirectives(replayed);
  const key = presentedKey(headers);
  const credential = authenticated.master ? 'master' : authenticated.keyId !== undefined ? 'virtual' : 'none';
  return {
    master: authenticated.master,
    tenant: authenticated.master ? undefined : authenticated.tenant,
    caller: {
      credential,
      ...(credential === 'virtual' && key !== undefined ? { virtualKey: key } : {}),
      headers: replayed,
    },
  };
}

/** Whether the requester may see something owned by `owner` (undefined: created on an open gateway or by the master key). */
export function canSee(requester: BatchRequester, owner: string | undefined): boolean {
  return requester.master || requester.tenant === undefined || owner === requester.tenant;
}

/** Who owns what this requester creates. */
export function ownerOf(requester: BatchRequester): string | undefined {
  return requester.tenant;
}
