import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareWithZod } from '../../providers/shared/__fixtures__/compare-with-zod.js';
import { anthropicRequestSchema } from './anthropic-request-schema.js';
import { readAnthropicRequest } from './read-anthropic-request.js';

const SAMPLES: unknown[] = [
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__/request-agent-turn.json'), 'utf8')),
  {
    model: 'claude-haiku-4-5',
    max_tokens: 256,
    system: 'You are terse.',
    messages: [{ role: 'user', content: 'Why?' }],
    stream: true,
    temperature: 0.5,
    stop_sequences: ['END'],
    metadata: { user_id: 'u-1' },
  },
  {
    model: 'claude-sonnet-4-5',
    max_tokens: 4096,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Plan it' }] }],
    thinking: { type: 'enabled', budget_tokens: 2048 },
    tool_choice: { type: 'tool', name: 'plan', disable_parallel_tool_use: true },
    tools: [{ name: 'plan', description: 'Plans', input_schema: { type: 'object', properties: {} } }],
    output_config: { effort: 'high', format: { type: 'json_schema', schema: { type: 'object' } } },
  },
];

describe('the hand-written check of a Messages body agrees with the zod schema', () => {
  it('passes the usual requests as zod returns them', () => {
    for (const sample of SAMPLES) assert.deepEqual(readAnthropicRequest(sample), anthropicRequestSchema.parse(sample));
  });

  it('never passes a body zod refuses, and reads what it passes as zod does, over thousands of damaged variants', () => {
    const { variants, valid, fast } = compareWithZod({
      samples: SAMPLES,
      read: readAnthropicRequest,
      schema: anthropicRequestSchema,
    });
    assert.ok(variants > 1_000, `${variants} variants`);
    // Most valid variants take the fast path; the rest (the cases left to zod) are still answered by zod.
    assert.ok(fast >= valid * 0.8, `the fast path took only ${fast} of the ${valid} valid variants`);
  });
});
