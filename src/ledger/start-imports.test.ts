import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A loader hook that prints every specifier the import graph resolves, built-ins aside.
const hook = `export async function resolve(specifier, context, next) {
  if (!specifier.startsWith('node:')) process._rawDebug('IMPORT ' + specifier);
  return next(specifier, context);
}`;
const register = `import { register } from 'node:module'; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;

function specifiersImportedBy(modulePath: string): Set<string> {
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      `data:text/javascript,${encodeURIComponent(register)}`,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(modulePath)});`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(result.status, 0, result.stderr);
  const names = [...result.stderr.matchAll(/^IMPORT (\S+)$/gm)].map((match) => match[1] as string);
  assert.ok(names.includes('zod'), 'the hook saw the gateway load its packages');
  return new Set(names);
}

describe('gateway start imports', () => {
  it('loads no database driver, vector index, CSV parser or batch simulator until configured or used', () => {
    const gateway = fileURLToPath(new URL('../gateway/create-gateway.ts', import.meta.url));
    const imported = specifiersImportedBy(gateway);
    for (const name of ['pg', 'better-sqlite3', 'usearch', 'csv-parse/sync']) {
      assert.ok(!imported.has(name), `${name} is loaded at import`);
    }
    const eager = [...imported].filter((specifier) =>
      /(postgres-pool|sqlite-ledger-store|create-simulated-batch-transport|read-routerbench-csv)\.js$/.test(specifier),
    );
    assert.deepEqual(eager, []);
  });
});
