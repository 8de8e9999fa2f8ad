import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type AdminHandler, withAdminErrors } from '../admin/admin-handler.js';
import { clearedSessionCookie, isAdmin, matchesMasterKey, sessionCookie } from '../admin/authorize-admin.js';
import type { Logger } from '../logging/create-logger.js';
import { GatewayError } from '../spec/index.js';
import { readBody } from '../stages/parse/read-body.js';
import { renderNotBuiltPage, renderSignInPage } from './render-sign-in-page.js';
import { DASHBOARD_SECURITY_HEADERS, StaticFiles } from './serve-static-file.js';

/** Options for {@link createDashboardHandler}. */
export interface CreateDashboardHandlerOptions {
  /** The built single-page app (`scripts/build-dashboard.mjs` output); default {@link defaultDashboardDirectory}. */
  staticDir?: string;
  /** The master key now (it may change on reload); undefined leaves the dashboard open like the rest of the gateway. */
  masterKey: () => string | undefined;
  /** Mark the session cookie `Secure` (set it when the gateway is served over HTTPS). */
  secureCookie?: boolean;
  logger?: Logger;
}

/** A sign-in form posts at most this much. */
const MAX_SIGN_IN_BYTES = 4 * 1024;

/**
 * Where `npm run build` puts the app: `dist/dashboard/public/`, found from this module whether it
 * runs compiled (from `dist/dashboard/`) or from source (from `src/dashboard/`, under tsx).
 */
export function defaultDashboardDirectory(): string {
  const beside = fileURLToPath(new URL('./public/', import.meta.url));
  if (existsSync(beside)) return beside;
  return fileURLToPath(new URL('../../dist/dashboard/public/', import.meta.url));
}

function sendHtml(response: ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {
    ...DASHBOARD_SECURITY_HEADERS,
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(html),
  });
  response.end(html);
}

function redirect(response: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  response.writeHead(303, { ...headers, location, 'cache-control': 'no-store', 'content-length': 0 });
  response.end();
}

/** The dashboard URL without the `key` parameter, so that the key does not stay in the address bar or history. */
function withoutKey(url: URL): string {
  const params = new URLSearchParams(url.searchParams);
  params.delete('key');
  const query = params.toString();
  return `/dashboard${query ? `?${query}` : ''}`;
}

/**
 * `GET /dashboard` and `/dashboard/*`: the single-page app, its assets, and its sign-in. With a
 * master key set, a browser signs in once, by the form (`POST /dashboard/login`) or by opening
 * `/dashboard?key=<master key>`; either sets an HttpOnly, SameSite=Strict session cookie (a signed
 * expiry, 12 hours) and redirects to a URL without the key. `Authorization: Bearer <master key>` on
 * every request also works (for a reverse proxy). `POST /dashboard/logout` ends the session.
 */
export function createDashboardHandler(options: CreateDashboardHandlerOptions): AdminHandler {
  const directory = options.staticDir ?? defaultDashboardDirectory();
  const files = new StaticFiles(directory);
  const secure = options.secureCookie ?? false;

  const signIn = (response: ServerResponse, url: URL, presented: string): void => {
    const masterKey = options.masterKey();
    if (masterKey === undefined) {
      redirect(response, withoutKey(url));
      return;
    }
    if (!matchesMasterKey(presented, masterKey)) {
      sendHtml(response, 401, renderSignInPage({ failed: true }));
      return;
    }
    redirect(response, withoutKey(url), { 'set-cookie': sessionCookie(masterKey, { secure }) });
  };

  return withAdminErrors(async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (request.method === 'POST' && path === '/dashboard/login') {
      const form = new URLSearchParams((await readBody(request, MAX_SIGN_IN_BYTES)).toString('utf8'));
      signIn(response, new URL('/dashboard', url), form.get('key') ?? '');
      return;
    }
    if (request.method === 'POST' && path === '/dashboard/logout') {
      redirect(response, '/dashboard', { 'set-cookie': clearedSessionCookie() });
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      throw new GatewayError({ code: 'not_found', message: `No route ${request.method} ${path}.` });
    }
    const isPage = path === '/dashboard' || path === '/dashboard/' || path === '/dashboard/index.html';
    const presented = url.searchParams.get('key');
    if (isPage && presented !== null) {
      signIn(response, url, presented);
      return;
    }
    if (!isAdmin(request.headers, options.masterKey())) {
      if (isPage) sendHtml(response, 401, renderSignInPage({ failed: false }));
      else throw new GatewayError({ code: 'authentication', message: 'Sign in at /dashboard first.' });
      return;
    }
    if (isPage) {
      const sent = await files.send({ request, response, name: 'index.html', immutable: false });
      if (!sent) sendHtml(response, 503, renderNotBuiltPage(directory));
      return;
    }
    const name = path.slice('/dashboard/'.length);
    const sent = await files.send({ request, response, name, immutable: name.startsWith('assets/') });
    if (!sent) throw new GatewayError({ code: 'not_found', message: `No dashboard file ${path}.` });
  }, options.logger);
}
