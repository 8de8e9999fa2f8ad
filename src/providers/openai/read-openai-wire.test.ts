import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { z } from 'zod';
import { mutateJson } from '../shared/__fixtures__/mutate-json.js';
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

/**
 * The fast path may leave a valid payload to zod, but must never pass one zod refuses, and what it
 * passes must read the same as zod's output.
 */
function checkAgainstZod(options: { samples: unknown[]; read: (value: unknown) => unknown; schema: z.ZodType }): {
  variants: number;
  fast: number;
} {
  let variants = 0;
  let fast = 0;
  for (const sample of options.samples) {
    for (const variant of mutateJson(sample)) {
      variants += 1;
      const read = options.read(variant);
      if (read === undefined) continue;
      fast += 1;
      const parsed = options.schema.safeParse(variant);
      assert.ok(parsed.success, `the fast path passed what zod refuses: ${JSON.stringify(variant)}`);
      assert.deepEqual(read, parsed.data, `fast path and zod differ on ${JSON.stringify(variant)}`);
    }
  }
  return { variants, fast };
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
    const { variants, fast } = checkAgainstZod({
      samples: completions(),
      read: readOpenAiChatResponse,
      schema: openAiChatResponseSchema,
    });
    assert.ok(variants > 1_000, `${variants} variants`);
    assert.ok(fast > variants / 4, `the fast path took only ${fast} of ${variants}`);
  });

  it('never pass a chunk zod refuses, over thousands of damaged variants', () => {
    const { variants, fast } = checkAgainstZod({ samples: chunks(), read: readOpenAiChunk, schema: openAiChunkSchema });
    assert.ok(variants > 1_000, `${variants} variants`);
    assert.ok(fast > variants / 4, `the fast path took only ${fast} of ${variants}`);
  });
});
