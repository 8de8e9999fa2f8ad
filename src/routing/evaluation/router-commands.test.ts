import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createSyntheticOutcomes } from '../learned/__fixtures__/synthetic-outcomes.js';
import { loadRouter } from '../learned/load-router.js';
import type { RouterCommandIo } from './router-command-io.js';
import { runRouterEvalCommand } from './run-router-eval-command.js';
import { runRouterFitCommand } from './run-router-fit-command.js';

function collect(): RouterCommandIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

describe('router commands', () => {
  let directory: string;
  let data: string;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'tollgate-router-cli-'));
    data = join(directory, 'outcomes.jsonl');
    const rows = createSyntheticOutcomes({ perKind: 25, noise: 0.05 });
    await writeFile(data, rows.map((row) => JSON.stringify(row)).join('\n'));
  });
  after(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('fit writes a router.json with the models map', async () => {
    const out = join(directory, 'router.json');
    const map = join(directory, 'models.yaml');
    await writeFile(map, 'cheap: fast\npremium: openai/gpt-4o\n');
    const io = collect();
    assert.equal(await runRouterFitCommand([data, '--out', out, '--models-map', map], io), 0, io.err());
    assert.match(io.out(), /wrote .*router\.json: 3 models/);
    assert.match(io.err(), /not in the models map .*: mid/);
    const router = await loadRouter(out);
    assert.equal(router.toFile().modelsMap.premium, 'openai/gpt-4o');
    assert.equal(
      router.choose({
        prompt: 'Translate the phrase "a red door" into German.',
        candidates: [{ id: 'fast' }, { id: 'openai/gpt-4o' }],
        targetQuality: 0.7,
      }).id,
      'fast',
    );
  });

  it('fit explains its usage and reports unreadable data', async () => {
    const usage = collect();
    assert.equal(await runRouterFitCommand([data], usage), 2);
    assert.match(usage.err(), /usage: tollgate router fit/);
    const missing = collect();
    assert.equal(
      await runRouterFitCommand([join(directory, 'nope.jsonl'), '--out', join(directory, 'x.json')], missing),
      1,
    );
    assert.match(missing.err(), /router fit failed: .*nope\.jsonl/);
  });

  it('eval prints the tables and writes the SVG chart and the JSON results', async () => {
    const svg = join(directory, 'curve.svg');
    const json = join(directory, 'results.json');
    const io = collect();
    assert.equal(await runRouterEvalCommand([data, '--folds', '5', '--svg', svg, '--json', json], io), 0, io.err());
    assert.match(io.out(), /\| learned router +\|/);
    assert.match(io.out(), /\| TF-IDF kNN +\|/);
    assert.match(io.out(), /## Quality bar/);
    assert.match(io.err(), /fold 5\/5/);
    assert.ok((await stat(svg)).size > 1000);
    const results = JSON.parse(await readFile(json, 'utf8')) as { name: string; evaluation: { prompts: number } }[];
    assert.equal(results[0]?.name, 'outcomes');
    assert.equal(results[0]?.evaluation.prompts, 50);
  });

  it('eval rejects bad options', async () => {
    const io = collect();
    assert.equal(await runRouterEvalCommand([data, '--folds', 'x'], io), 2);
    assert.equal(await runRouterEvalCommand([], collect()), 2);
  });
});
