import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareWithZod } from '../shared/__fixtures__/compare-with-zod.js';
import { openAiChatResponseSchema, openAiChunkSchema } from './openai-wire-schemas.js';
import { readOpenAiChatResponse } from './read-openai-chat-response.js';
import { readOpenAiChunk } from './read-openai-chunk.js';

const FIXTURES = join(import.meta.dirname, '__fixtures__');

function completions(): unknown[] {
  return readdirSync(FIXTURES)
    .filter(
      (name) =>
        name.endsWith('.json') && !name.startsWith('error-') && !name.includes('400') && name !== 'embeddings.json',
    )
    .map((name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as unknown);
}

function chunks(): unknown[] {
  const found: unknown[] = [];
  for (const name of readdirSync(FIXTURES).filter((file) => file.endsWith('.sse'))) {
    for (const line of readFileSync(join(FIXTURES, name), 'utf8').split('\n')) {
      if (!line.startsWith('data: ')) continue;
      try {
        const value = JSON.parse(line.slice(6)) as unknown;
        if (typeof value === 'object' && value !== null && !('error' in value)) found.push(value);
      } catch {
        // `[DONE]` and the deliberately broken lines of the malformed fixtures.
      }
    }
  }
  return found;
}

describe('the OpenAI wire fast paths agree with the zod schemas', () => {
  it('pass every recorded completion and chunk as zod returns it', () => {
    const samples = completions();
    assert.ok(samples.length >= 5);
    for (const sample of samples) {
      assert.deepEqual(readOpenAiChatResponse(sample), openAiChatResponseSchema.parse(sample));
    }
    // The malformed-chunk fixture holds JSON that is not a chunk: zod refuses it, and so must the fast path.
    const streamed = chunks().filter((sample) => openAiChunkSchema.safeParse(sample).success);
    assert.ok(streamed.length >= 20, `${streamed.length} chunks`);
    for (const sample of streamed) assert.deepEqual(readOpenAiChunk(sample), openAiChunkSchema.parse(sample));
  });

  it('never pass a completion zod refuses, over thousands of damaged variants', () => {
    const { variants, fast } = compareWithZod({
      samples: completions(),
      read: readOpenAiChatResponse,
      schema: openAiChatResponseSchema,
    });
    assert.ok(variants > 1_000, `${variants} variants`);
    assert.ok(fast > variants / 4, `the fast path took only ${fast} of ${variants}`);
  });

  it('never pass a chunk zod refuses, over thousands of damaged variants', () => {
    const { variants, fast } = compareWithZod({ samples: chunks(), read: readOpenAiChunk, schema: openAiChunkSchema });
    assert.ok(variants > 1_000, `${variants} variants`);
    assert.ok(fast > variants / 4, `the fast path took only ${fast} of ${variants}`);
  });
});
