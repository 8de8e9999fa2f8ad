import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { presentedKey } from '../stages/auth/authenticate.js';

/** The cookie the dashboard's sign-in sets; it holds a signed expiry, never the master key. */
export const SESSION_COOKIE = 'tollgate_dashboard';
/** How long a dashboard sign-in lasts. */
export const SESSION_SECONDS = 12 * 60 * 60;

function sameText(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

function signature(masterKey: string, expiresAt: number): string {
  return createHmac('sha256', masterKey).update(`tollgate-dashboard-session:${expiresAt}`).digest('base64url');
}

/** A session token for the cookie: `<expiry seconds>.<HMAC of the expiry keyed by the master key>`. */
export function createSessionToken(masterKey: string, nowMs = Date.now()): string {
  const expiresAt = Math.floor(nowMs / 1000) + SESSION_SECONDS;
  return `${expiresAt}.${signature(masterKey, expiresAt)}`;
}

/** Whether a session token was signed with this master key and has not expired. */
export function verifySessionToken(masterKey: string, token: string, nowMs = Date.now()): boolean {
  const match = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) return false;
  const expiresAt = Number(match[1]);
  if (expiresAt * 1000 <= nowMs) return false;
  return sameText(match[2] as string, signature(masterKey, expiresAt));
}

/** The value of one cookie, if the request sent it. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    if (part.slice(0, separator).trim() === name) return part.slice(separator + 1).trim();
  }
  return undefined;
}

/** The `Set-Cookie` value of a fresh session (HttpOnly, SameSite=Strict, for every path). */
export function sessionCookie(masterKey: string, options: { secure: boolean }): string {
  const attributes = ['Path=/', `Max-Age=${SESSION_SECONDS}`, 'HttpOnly', 'SameSite=Strict'];
  if (options.secure) attributes.push('Secure');
  return `${SESSION_COOKIE}=${createSessionToken(masterKey)}; ${attributes.join('; ')}`;
}

/** The `Set-Cookie` value that ends a session. */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict`;
}

/** Whether `presented` is the master key (compared in constant time). */
export function matchesMasterKey(presented: string, masterKey: string): boolean {
  return sameText(presented, masterKey);
}

/** Whether the master key itself was presented (`Authorization: Bearer` or `x-api-key`). */
export function presentsMasterKey(headers: IncomingHttpHeaders, masterKey: string): boolean {
  const key = presentedKey(headers);
  return key !== undefined && sameText(key, masterKey);
}

/**
 * Whether a request may read the dashboard and its /admin data: always when no master key is
 * configured (like the rest of the gateway), else with the master key in a header or a valid
 * dashboard session cookie.
 */
export function isAdmin(headers: IncomingHttpHeaders, masterKey: string | undefined): boolean {
  if (masterKey === undefined) return true;
  if (presentsMasterKey(headers, masterKey)) return true;
  const token = readCookie(headers, SESSION_COOKIE);
  return token !== undefined && verifySessionToken(masterKey, token);
}

/** Throws `authentication` (nothing presented) or `permission` (something else presented) unless {@link isAdmin}. */
export function requireAdmin(headers: IncomingHttpHeaders, masterKey: string | undefined): void {
  if (isAdmin(headers, masterKey)) return;
  if (presentedKey(headers) === undefined && readCookie(headers, SESSION_COOKIE) === undefined) {
    throw new GatewayError({
      code: 'authentication',
      message: 'This route needs the master key (Authorization: Bearer, x-api-key, or a dashboard sign-in).',
    });
  }
  throw new GatewayError({ code: 'permission', message: 'This route needs the master key.' });
}
