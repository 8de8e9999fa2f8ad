import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { verifySessionToken } from '../admin/authorize-admin.js';
import { createDashboardHandler } from './create-dashboard-handler.js';

const MASTER_KEY = 'mk-dashboard-handler-test-42';
const SCRIPT = `console.log(${JSON.stringify('x'.repeat(4000))});\n`;

async function serve(handler: ReturnType<typeof createDashboardHandler>): Promise<{ server: Server; base: string }> {
  const server = createServer(
    (request, response) => void handler(request, response, new URL(request.url ?? '/', 'http://x.invalid')),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the dashboard handler', () => {
  let directory: string;
  let open: { server: Server; base: string };
  let locked: { server: Server; base: string };

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-dashboard-static-'));
    await mkdir(join(directory, 'assets'));
    await writeFile(join(directory, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(directory, 'assets', 'app-ABC123.js'), SCRIPT);
    await writeFile(join(directory, 'secret.txt'), 'not under assets but inside the folder');
    open = await serve(createDashboardHandler({ staticDir: directory, masterKey: () => undefined }));
    locked = await serve(createDashboardHandler({ staticDir: directory, masterKey: () => MASTER_KEY }));
  });

  after(async () => {
    for (const { server } of [open, locked]) {
      server.closeAllConnections();
      server.close();
    }
    await rm(directory, { recursive: true, force: true });
  });

  it('serves the page uncached and hashed assets for a year, with ETags, gzip and a strict CSP', async () => {
    const page = await fetch(`${open.base}/dashboard`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(await page.text(), '<!doctype html><title>app</title>');

    const asset = await fetch(`${open.base}/dashboard/assets/app-ABC123.js`, {
      headers: { 'accept-encoding': 'identity' },
    });
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.equal(await asset.text(), SCRIPT);
    const etag = asset.headers.get('etag') ?? '';
    const again = await fetch(`${open.base}/dashboard/assets/app-ABC123.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);

    const { request } = await import('node:http');
    const gzipped = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      request(`${open.base}/dashboard/assets/app-ABC123.js`, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }),
        );
      })
        .on('error', reject)
        .end();
    });
    assert.equal(gzipped.encoding, 'gzip');
    assert.ok(gzipped.body.length < SCRIPT.length / 4);
    assert.equal(gunzipSync(gzipped.body).toString('utf8'), SCRIPT);
  });

  it('serves nothing outside the folder and nothing it does not have', async () => {
    for (const path of [
      '/dashboard/assets/..%2f..%2fpackage.json',
      '/dashboard/%2e%2e/%2e%2e/package.json',
      '/dashboard/assets/missing.js',
      '/dashboard/assets/app-ABC123.js%00.png',
    ]) {
      const response = await fetch(`${open.base}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(((await response.json()) as { error: { type: string } }).error.type, 'not_found_error');
    }
  });

  it('says how to build the app when the folder is empty', async () => {
    const empty = await serve(
      createDashboardHandler({ staticDir: join(directory, 'nowhere'), masterKey: () => undefined }),
    );
    try {
      const response = await fetch(`${empty.base}/dashboard`);
      assert.equal(response.status, 503);
      assert.match(await response.text(), /npm run build/);
    } finally {
      empty.server.close();
    }
  });

  it('with a master key: a sign-in form, then a session cookie, never the key in a URL or cookie', async () => {
    const anonymous = await fetch(`${locked.base}/dashboard`);
    assert.equal(anonymous.status, 401);
    assert.match(await anonymous.text(), /<form method="post" action="\/dashboard\/login">/);
    assert.equal((await fetch(`${locked.base}/dashboard/assets/app-ABC123.js`)).status, 401);

    const wrong = await fetch(`${locked.base}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'key=guess',
      redirect: 'manual',
    });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /not the master key/);

    const form = await fetch(`${locked.base}/dashboard/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `key=${MASTER_KEY}`,
      redirect: 'manual',
    });
    assert.equal(form.status, 303);
    assert.equal(form.headers.get('location'), '/dashboard');
    const setCookie = form.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^tollgate_dashboard=[^;]+; Path=\/; Max-Age=43200; HttpOnly; SameSite=Strict$/);
    assert.ok(!setCookie.includes(MASTER_KEY));
    const token = /^tollgate_dashboard=([^;]+)/.exec(setCookie)?.[1] ?? '';
    assert.ok(verifySessionToken(MASTER_KEY, token));
    const cookie = `tollgate_dashboard=${token}`;
    assert.equal((await fetch(`${locked.base}/dashboard`, { headers: { cookie } })).status, 200);
    assert.equal((await fetch(`${locked.base}/dashboard/assets/app-ABC123.js`, { headers: { cookie } })).status, 200);
    assert.equal(
      (await fetch(`${locked.base}/dashboard`, { headers: { authorization: `Bearer ${MASTER_KEY}` } })).status,
      200,
    );

    const link = await fetch(`${locked.base}/dashboard?range=7d&key=${MASTER_KEY}`, { redirect: 'manual' });
    assert.equal(link.status, 303);
    assert.equal(link.headers.get('location'), '/dashboard?range=7d', 'the key is dropped from the address');
    assert.match(link.headers.get('set-cookie') ?? '', /^tollgate_dashboard=/);

    const logout = await fetch(`${locked.base}/dashboard/logout`, {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    assert.equal(logout.status, 303);
    assert.match(logout.headers.get('set-cookie') ?? '', /^tollgate_dashboard=; Path=\/; Max-Age=0/);
  });
});
