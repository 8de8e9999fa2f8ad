import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { GatewayError } from '../../spec/gateway-error.js';
import { decodePythonStringList } from './decode-python-string-list.js';
import { parseRouterBenchCsv, readRouterBenchCsv } from './read-routerbench-csv.js';

const FIXTURE = new URL('./__fixtures__/tricky-routerbench.csv', import.meta.url).pathname;

describe('decodePythonStringList', () => {
  it('decodes single- and double-quoted literals with escapes', () => {
    assert.equal(
      decodePythonStringList(String.raw`['a\nb', "it's \"x\" \\ \t\x41\u00e9"]`),
      'a\nb\n\nit\'s "x" \\ \tAé',
    );
  });

  it('leaves text that is not a list literal unchanged', () => {
    assert.equal(decodePythonStringList('[not a literal]'), '[not a literal]');
    assert.equal(decodePythonStringList("['unterminated]"), "['unterminated]");
    assert.equal(decodePythonStringList('plain'), 'plain');
  });
});

describe('readRouterBenchCsv', () => {
  it('reads quoted multi-line fields, doubled quotes and Python-escaped prompts', async () => {
    const { rows, models, skippedCells } = await readRouterBenchCsv(FIXTURE);
    assert.deepEqual(models, ['model-a', 'model-b']);
    assert.equal(skippedCells, 1);
    assert.deepEqual(rows[0], {
      prompt: 'First line\nsecond line with "quotes", a comma, and it\'s escaped',
      model: 'model-a',
      score: 1,
      costUsd: 0.0001,
    });
    assert.equal(rows[2]?.prompt, "Double-quoted literal: it's fine\tand a backslash-t stays \\t");
    assert.equal(rows[3]?.score, 1);
    assert.equal(rows[3]?.costUsd, 0.003);
    assert.deepEqual(rows[4], {
      prompt: 'a plain prompt\nwith a real newline',
      model: 'model-a',
      score: 1,
      costUsd: 0.0001,
    });
    assert.equal(rows.length, 5);
  });

  it('rejects a file without model columns or with broken quoting', async () => {
    assert.throws(() => parseRouterBenchCsv('prompt,score\nhello,1\n'), GatewayError);
    const broken = (await readFile(FIXTURE, 'utf8')).replace('"an answer', 'an "answer');
    assert.throws(
      () => parseRouterBenchCsv(broken),
      (error: unknown) => error instanceof GatewayError && error.code === 'invalid_request',
    );
  });
});
