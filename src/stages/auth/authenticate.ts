import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../spec/index.js';

/** Who is calling. */
export interface Caller {
  /** The virtual key's id, when a virtual key was used. */
  keyId: string | undefined;
  /** The tenant the key belongs to; overrides the tenant header. */
  tenant: string | undefined;
  /** True for the master key (admin routes). */
  master: boolean;
}

/** Looks up virtual keys (`tg-…`); the budgets and keys layer provides it. */
export interface VirtualKeyResolver {
  /** The key's caller, or undefined when unknown or revoked. */
  resolve(presentedKey: string): Caller | undefined;
}

/** The key a client presented: OpenAI clients send `Authorization: Bearer`, Anthropic clients `x-api-key`. */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && authorization.toLowerCase().startsWith('bearer ')) {
    return authorization.slice(7).trim() || undefined;
  }
  const apiKey = headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

function sameSecret(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The auth stage. With no master key configured the gateway is open (like LiteLLM without a master
 * key): any or no key is accepted, and virtual keys still attribute spend when presented. With a
 * master key, every request needs the master key or a valid virtual key.
 */
export function authenticate(options: {
  headers: IncomingHttpHeaders;
  masterKey: string | undefined;
  keys: VirtualKeyResolver | undefined;
}): Caller {
  const key = presentedKey(options.headers);
  if (key !== undefined && options.masterKey !== undefined && sameSecret(key, options.masterKey)) {
    return { keyId: undefined, tenant: undefined, master: true };
  }
  if (key?.startsWith('tg-') && options.keys) {
    const caller = options.keys.resolve(key);
    if (caller) return caller;
    throw new GatewayError({ code: 'authentication', message: 'The virtual key is unknown or revoked.' });
  }
  if (options.masterKey === undefined) return { keyId: undefined, tenant: undefined, master: false };
  throw new GatewayError({
    code: 'authentication',
    message:
      key === undefined ? 'An API key is required (Authorization: Bearer or x-api-key).' : 'The API key is not valid.',
  });
}
