import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { GatewayError } from '../spec/index.js';
import { authenticate } from '../stages/auth/authenticate.js';
import { createVirtualKeys, hashVirtualKey } from './create-virtual-keys.js';
import type { KeyStore } from './key-store.js';
import { createPostgresKeyStore } from './postgres-key-store.js';
import { createSqliteKeyStore } from './sqlite-key-store.js';

const POSTGRES_URL =
  process.env.TOLLGATE_TEST_POSTGRES_URL ?? 'postgres://tollgate:tollgate@127.0.0.1:5432/tollgate_test';

function behaves(name: string, open: () => Promise<{ store: KeyStore; reopen: () => Promise<KeyStore> }>): void {
  describe(`virtual keys in ${name}`, () => {
    it('creates a tg- key shown once, stores only its hash, resolves it to its tenant and refuses it once revoked', async () => {
      const { store, reopen } = await open();
      const keys = createVirtualKeys({ store });
      const created = await keys.create({ tenant: 'acme', budget: '$50 / day', name: 'ci' });
      assert.match(created.key, /^tg-[A-Za-z0-9_-]{32}$/);
      assert.match(created.record.id, /^vk_[0-9a-f]{16}$/);
      assert.equal(created.record.budget, '50/day');
      assert.equal(created.record.secretHint, `${created.key.slice(0, 7)}…${created.key.slice(-4)}`);
      assert.deepEqual(keys.resolver.resolve(created.key), { keyId: created.record.id, tenant: 'acme', master: false });
      assert.deepEqual(keys.keyBudget(created.record.id), { limitUsd: 50, window: 'day' });
      assert.equal(keys.resolver.resolve(`${created.key}x`), undefined);
      const listed = await keys.list();
      assert.equal(listed.length, 1);
      assert.ok(!JSON.stringify(listed).includes(created.key.slice(3)), 'no secret in the list');

      const second = createVirtualKeys({ store: await reopen() });
      assert.equal(second.resolver.resolve(created.key)?.tenant, 'acme', 'another process sees the key');

      const revoked = await keys.revoke(created.record.id);
      assert.ok(revoked?.revokedAt);
      assert.equal(keys.resolver.resolve(created.key), undefined);
      await new Promise((resolve) => setTimeout(resolve, 150));
      assert.equal(second.resolver.resolve(created.key), undefined, 'the other process sees the revocation');
      assert.equal(await keys.revoke('vk_missing'), undefined);
      assert.throws(
        () =>
          authenticate({
            headers: { authorization: `Bearer ${created.key}` },
            masterKey: undefined,
            keys: keys.resolver,
          }),
        (error: unknown) => error instanceof GatewayError && error.status === 401,
      );
      await second.store.close();
      await store.close();
    });

    it('rejects a bad tenant or budget with a 400 naming the field', async () => {
      const { store } = await open();
      const keys = createVirtualKeys({ store });
      await assert.rejects(
        keys.create({ tenant: 'a b' }),
        (error: unknown) => error instanceof GatewayError && error.param === 'tenant',
      );
      await assert.rejects(
        keys.create({ tenant: 'acme', budget: 'lots' }),
        (error: unknown) => error instanceof GatewayError && error.param === 'budget' && error.status === 400,
      );
      await store.close();
    });
  });
}

const folder = mkdtempSync(join(tmpdir(), 'tollgate-keys-'));
after(() => rmSync(folder, { recursive: true, force: true }));

behaves('SQLite', async () => {
  const path = join(folder, `${randomUUID()}.db`);
  return { store: createSqliteKeyStore({ path }), reopen: async () => createSqliteKeyStore({ path }) };
});

describe('the SQLite key file', () => {
  it('never contains a secret', async () => {
    const path = join(folder, 'secret-check.db');
    const store = createSqliteKeyStore({ path });
    const created = await createVirtualKeys({ store }).create({ tenant: 'acme' });
    await store.close();
    const bytes = readFileSync(path).toString('latin1');
    assert.ok(!bytes.includes(created.key.slice(3)));
    assert.ok(bytes.includes(hashVirtualKey(created.key)));
  });
});

const tables: string[] = [];
after(async () => {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  for (const table of tables) await client.query(`DROP TABLE IF EXISTS ${table}`);
  await client.end();
});

behaves('PostgreSQL', async () => {
  const table = `virtual_keys_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  tables.push(table);
  const open = () => createPostgresKeyStore({ connectionString: POSTGRES_URL, table, refreshMs: 50 });
  return { store: await open(), reopen: open };
});
