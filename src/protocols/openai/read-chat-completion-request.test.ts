import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareWithZod } from '../../providers/shared/__fixtures__/compare-with-zod.js';
import { chatCompletionRequestSchema } from './chat-completion-request-schema.js';
import { readChatCompletionRequest } from './read-chat-completion-request.js';

const SAMPLES: Record<string, unknown>[] = [
  JSON.parse(readFileSync(join(import.meta.dirname, '__fixtures__/request-tools-vision.json'), 'utf8')),
  {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Why?' },
    ],
    max_tokens: 120,
  },
  {
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }], name: 'ann' }],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 0.2,
    top_p: 1,
    stop: ['\n\n'],
    seed: 7,
    user: 'u-1',
    metadata: { team: 'ops' },
    store: false,
    response_format: { type: 'json_object' },
    tool_choice: { type: 'function', function: { name: 'lookup' } },
    tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  },
  {
    model: 'deepseek-chat',
    messages: [
      { role: 'user', content: 'Sum 2 and 2' },
      {
        role: 'assistant',
        content: [{ type: 'refusal', refusal: 'no' }],
        reasoning_content: 'thinking',
        refusal: null,
        audio: null,
      },
      { role: 'user', content: 'please' },
    ],
    max_completion_tokens: 64,
    reasoning_effort: 'low',
    presence_penalty: -2,
    frequency_penalty: 2,
    logprobs: false,
    modalities: ['text'],
  },
];

describe('the hand-written check of a Chat Completions body agrees with the zod schema', () => {
  it('passes the usual requests as zod returns them', () => {
    for (const sample of SAMPLES)
      assert.deepEqual(readChatCompletionRequest(sample), chatCompletionRequestSchema.parse(sample));
  });

  it('never passes a body zod refuses, and reads what it passes as zod does, over thousands of damaged variants', () => {
    const { variants, valid, fast } = compareWithZod({
      samples: SAMPLES,
      // The reader takes objects only: parseChatRequest refuses anything else before calling it.
      read: (variant) =>
        typeof variant === 'object' && variant !== null && !Array.isArray(variant)
          ? readChatCompletionRequest(variant as Record<string, unknown>)
          : undefined,
      schema: chatCompletionRequestSchema,
    });
    assert.ok(variants > 1_000, `${variants} variants`);
    // Most valid variants take the fast path; the rest (the cases left to zod) are still answered by zod.
    assert.ok(fast >= valid * 0.8, `the fast path took only ${fast} of the ${valid} valid variants`);
  });

  it('leaves the refused and deprecated fields to zod and the refusals that follow it', () => {
    const base = { model: 'm', messages: [{ role: 'user', content: 'x' }] };
    for (const extra of [
      { functions: [] },
      { function_call: 'auto' },
      { logit_bias: {} },
      { audio: null },
      { messages: [{ role: 'function', name: 'f', content: 'x' }] },
      { tools: [{ type: 'custom', custom: {} }] },
      { unknown_field: 1 },
    ]) {
      assert.equal(readChatCompletionRequest({ ...base, ...extra }), undefined, JSON.stringify(extra));
    }
  });
});
