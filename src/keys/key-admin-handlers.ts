import type { IncomingMessage, ServerResponse } from 'node:http';
import { GatewayError } from '../spec/index.js';
import { parseJsonBody, readBody } from '../stages/parse/read-body.js';
import { sendJson } from '../stages/respond/write-response.js';
import type { VirtualKeys } from './create-virtual-keys.js';
import type { VirtualKeyRecord } from './key-store.js';
import { requireMasterKey } from './require-master-key.js';

/** A node:http handler in the route table's shape. */
export type AdminHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** The /admin/keys handlers. */
export interface KeyAdminHandlers {
  /** POST /admin/keys `{ tenant, name?, budget? }` → 201 with the secret, shown once. */
  create: AdminHandler;
  /** GET /admin/keys → `{ data: [...] }`, without secrets. */
  list: AdminHandler;
  /** DELETE /admin/keys/:id or POST /admin/keys/:id/revoke → the revoked key. */
  revoke: AdminHandler;
  /** All of the above for any path under /admin/keys (mount with `addPrefix('/admin/keys', ...)`). */
  handle: AdminHandler;
}

/** Admin request bodies are small; this bounds what an admin route reads. */
const MAX_ADMIN_BODY_BYTES = 64 * 1024;

/** A key as the admin API shows it (snake_case like the rest of the HTTP surface). */
export function describeKey(record: VirtualKeyRecord): Record<string, unknown> {
  return {
    id: record.id,
    tenant: record.tenant,
    name: record.name ?? null,
    budget: record.budget ?? null,
    key_hint: record.secretHint,
    created_at: record.createdAt,
    revoked_at: record.revokedAt ?? null,
    status: record.revokedAt === undefined ? 'active' : 'revoked',
  };
}

function keyIdFrom(url: URL): string | undefined {
  const match = /^\/admin\/keys\/([^/]+)(?:\/revoke)?\/?$/.exec(url.pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}

/**
 * HTTP handlers for virtual keys. They check the master key themselves (as the gateway's other admin
 * routes do: required when one is configured), so mounting them anywhere is safe.
 */
export function createKeyAdminHandlers(options: {
  keys: VirtualKeys;
  masterKey: () => string | undefined;
}): KeyAdminHandlers {
  const { keys } = options;
  const requireMaster = (request: IncomingMessage): void => requireMasterKey(request, options.masterKey());

  const create: AdminHandler = async (request, response) => {
    requireMaster(request);
    const body = parseJsonBody(await readBody(request, MAX_ADMIN_BODY_BYTES));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new GatewayError({ code: 'invalid_request', message: 'Send a JSON object: { tenant, name?, budget? }.' });
    }
    const fields = body as Record<string, unknown>;
    const created = await keys.create({
      tenant: fields.tenant as string,
      name: (fields.name ?? undefined) as string | undefined,
      budget: (fields.budget ?? undefined) as string | undefined,
    });
    sendJson({
      response,
      status: 201,
      body: {
        ...describeKey(created.record),
        key: created.key,
        note: 'Store this key now: it is not shown again.',
      },
      headers: { 'cache-control': 'no-store' },
    });
  };

  const list: AdminHandler = async (request, response) => {
    requireMaster(request);
    const records = await keys.list();
    sendJson({ response, status: 200, body: { data: records.map(describeKey) }, headers: {} });
  };

  const revoke: AdminHandler = async (request, response, url) => {
    requireMaster(request);
    const id = keyIdFrom(url);
    if (!id) throw new GatewayError({ code: 'not_found', message: 'Name the key: /admin/keys/{id}.' });
    const record = await keys.revoke(id);
    if (!record) throw new GatewayError({ code: 'not_found', message: `No virtual key has the id ${id}.` });
    sendJson({ response, status: 200, body: describeKey(record), headers: {} });
  };

  const handle: AdminHandler = async (request, response, url) => {
    const path = url.pathname.replace(/\/+$/, '');
    const method = request.method ?? 'GET';
    if (path === '/admin/keys') {
      if (method === 'POST') return create(request, response, url);
      if (method === 'GET') return list(request, response, url);
    } else if (keyIdFrom(url) !== undefined) {
      if (method === 'DELETE' || (method === 'POST' && path.endsWith('/revoke'))) return revoke(request, response, url);
    } else {
      throw new GatewayError({ code: 'not_found', message: `No route ${method} ${url.pathname}.` });
    }
    throw new GatewayError({ code: 'method_not_allowed', message: `${method} is not allowed on ${url.pathname}.` });
  };

  return { create, list, revoke, handle };
}
