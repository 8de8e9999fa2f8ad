import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../spec/gateway-error.js';
import { buildOutcomeTable, completePromptIndices } from './outcome-row.js';
import { parseOutcomeJsonl } from './read-outcome-jsonl.js';

describe('parseOutcomeJsonl', () => {
  it('reads one outcome per line and skips blank lines', () => {
    const rows = parseOutcomeJsonl(
      '{"prompt":"p1","model":"m","score":1,"costUsd":0.01}\n\n{"prompt":"p1","model":"n","score":0.5,"costUsd":0}\n',
    );
    assert.deepEqual(rows, [
      { prompt: 'p1', model: 'm', score: 1, costUsd: 0.01 },
      { prompt: 'p1', model: 'n', score: 0.5, costUsd: 0 },
    ]);
  });

  it('names the bad line', () => {
    assert.throws(
      () =>
        parseOutcomeJsonl(
          '{"prompt":"p","model":"m","score":1,"costUsd":0}\n{"prompt":"p","model":"m","score":2,"costUsd":0}',
        ),
      (error: unknown) => error instanceof GatewayError && /line 2/.test(error.message) && /score/.test(error.message),
    );
    assert.throws(() => parseOutcomeJsonl('not json'), /line 1: not valid JSON/);
  });
});

describe('buildOutcomeTable', () => {
  it('averages repeated outcomes and marks missing ones', () => {
    const table = buildOutcomeTable([
      { prompt: 'a', model: 'm', score: 1, costUsd: 0.02 },
      { prompt: 'a', model: 'm', score: 0, costUsd: 0.04 },
      { prompt: 'a', model: 'n', score: 1, costUsd: 0.01 },
      { prompt: 'b', model: 'm', score: 1, costUsd: 0.01 },
    ]);
    assert.deepEqual(table.models, ['m', 'n']);
    assert.deepEqual(table.prompts, ['a', 'b']);
    assert.equal(table.scores[0]?.[0], 0.5);
    assert.ok(Math.abs((table.costs[0]?.[0] as number) - 0.03) < 1e-12);
    assert.ok(Number.isNaN(table.scores[1]?.[1]));
    assert.deepEqual(completePromptIndices(table), [0]);
  });
});
