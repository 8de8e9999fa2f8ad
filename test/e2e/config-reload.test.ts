import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

const providerYaml = (models: string[]) => `
providers:
  - name: sim
    kind: simulated
    models:
${models.map((name) => `      - name: ${name}\n        price_as: gpt-5.4-nano`).join('\n')}
tiers:
  fast:
    deployments: [sim/${models[0]}]
`;

async function modelIds(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/models`);
  const body = (await response.json()) as { data: { id: string }[] };
  return body.data.map((model) => model.id);
}

describe('config reload without a restart', () => {
  let directory: string;
  let path: string;
  let harness: TestGateway;
  before(async () => {
    directory = mkdtempSync(join(tmpdir(), 'tollgate-reload-'));
    path = join(directory, 'tollgate.yaml');
    writeFileSync(path, providerYaml(['alpha']));
    harness = await startTestGateway({ configPath: path });
  });
  after(async () => {
    await harness.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('applies a changed file on POST /admin/config/reload', async () => {
    assert.ok((await modelIds(harness.url)).includes('sim/alpha'));
    writeFileSync(path, providerYaml(['alpha', 'beta']));
    const response = await fetch(`${harness.url}/admin/config/reload`, { method: 'POST' });
    assert.equal(response.status, 200);
    assert.ok((await modelIds(harness.url)).includes('sim/beta'));
  });

  it('rejects an invalid file whole, naming the bad key, and keeps serving the old config', async () => {
    writeFileSync(path, `${providerYaml(['gamma'])}\nserver:\n  port: "not a number"\n`);
    const response = await fetch(`${harness.url}/admin/config/reload`, { method: 'POST' });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { message: string } };
    assert.match(body.error.message, /server\.port/);
    const ids = await modelIds(harness.url);
    assert.ok(ids.includes('sim/beta'));
    assert.ok(!ids.includes('sim/gamma'));
  });
});
