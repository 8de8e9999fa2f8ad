import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError } from '../../spec/index.js';
import { createProviderEmbedder } from './create-provider-embedder.js';

describe('createProviderEmbedder', () => {
  it('normalises what the provider returns and splits large inputs into batches', async () => {
    const batches: string[][] = [];
    const embedder = createProviderEmbedder({
      id: 'openai/text-embedding-3-small',
      dimensions: 2,
      maxBatchSize: 2,
      embed: async (texts) => {
        batches.push(texts);
        return texts.map((text) => [text.length, 0]);
      },
    });
    const vectors = await embedder.embed(['a', 'bb', 'ccc']);
    assert.deepEqual(batches, [['a', 'bb'], ['ccc']]);
    assert.deepEqual(
      vectors.map((vector) => [...vector]),
      [
        [1, 0],
        [1, 0],
        [1, 0],
      ],
    );
    const [tilted] = await createProviderEmbedder({ id: 'x', dimensions: 2, embed: async () => [[3, 4]] }).embed(['t']);
    assert.ok(
      tilted !== undefined &&
        Math.abs((tilted[0] as number) - 0.6) < 1e-6 &&
        Math.abs((tilted[1] as number) - 0.8) < 1e-6,
    );
  });

  it('turns a wrong count, a wrong size or a zero vector into upstream_malformed', async () => {
    const cases: number[][][] = [
      [[1, 0]],
      [
        [1, 0, 0],
        [1, 0, 0],
      ],
      [
        [0, 0],
        [1, 0],
      ],
    ];
    for (const reply of cases) {
      const embedder = createProviderEmbedder({ id: 'p', dimensions: 2, embed: async () => reply });
      await assert.rejects(embedder.embed(['one', 'two']), (error: unknown) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.code, 'upstream_malformed');
        return true;
      });
    }
  });
});
