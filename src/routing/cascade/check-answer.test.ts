import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest, ChatResponse, FinishReason } from '../../spec/index.js';
import { checkAnswer } from './check-answer.js';

const usage = {
  uncachedInputTokens: 1,
  cacheReadInputTokens: 0,
  cacheWriteInputTokens: 0,
  cacheWrite1hInputTokens: 0,
  outputTokens: 1,
  reasoningTokens: 0,
  source: 'reported' as const,
};

function answer(text: string, finishReason: FinishReason = 'stop'): ChatResponse {
  return { id: 'a', model: 'm', content: text ? [{ type: 'text', text }] : [], finishReason, usage };
}

function request(extra: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'fast',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }],
    stream: false,
    ...extra,
  };
}

describe('checkAnswer', () => {
  it('passes an ordinary answer', () => {
    assert.equal(checkAnswer({ request: request(), answer: answer('Paris is the capital of France.') }), undefined);
  });

  it('fails empty, truncated and filtered answers', () => {
    assert.equal(checkAnswer({ request: request(), answer: answer('   ') }), 'empty');
    assert.equal(checkAnswer({ request: request(), answer: answer('It starts', 'length') }), 'truncated');
    assert.equal(checkAnswer({ request: request(), answer: answer('', 'content-filter') }), 'refusal');
  });

  it('fails refusals by their opening words only', () => {
    for (const text of [
      "I'm sorry, but I can't help with that.",
      'I cannot assist with this request.',
      'As an AI, I do not have opinions.',
      'Unfortunately, I am unable to answer.',
    ]) {
      assert.equal(checkAnswer({ request: request(), answer: answer(text) }), 'refusal', text);
    }
    assert.equal(
      checkAnswer({ request: request(), answer: answer('The result is 4. I apologise for the short answer.') }),
      undefined,
    );
  });

  it('fails invalid JSON only where JSON was asked for, and missing required properties', () => {
    const json = request({ responseFormat: { type: 'json_object' } });
    assert.equal(checkAnswer({ request: json, answer: answer('{"a": 1}') }), undefined);
    assert.equal(checkAnswer({ request: json, answer: answer('```json\n{"a": 1}\n```') }), 'invalid-json');
    assert.equal(checkAnswer({ request: request(), answer: answer('{"a": ') }), undefined);
    const schema = request({
      responseFormat: {
        type: 'json_schema',
        name: 'r',
        schema: { type: 'object', required: ['name', 'age'], properties: {} },
      },
    });
    assert.equal(checkAnswer({ request: schema, answer: answer('{"name": "x", "age": 3}') }), undefined);
    assert.equal(checkAnswer({ request: schema, answer: answer('{"name": "x"}') }), 'invalid-json');
  });

  it('passes a tool call with no text', () => {
    const call: ChatResponse = {
      ...answer(''),
      content: [{ type: 'tool-call', id: 'c1', name: 'lookup', arguments: '{}' }],
      finishReason: 'tool-calls',
    };
    assert.equal(checkAnswer({ request: request(), answer: call }), undefined);
  });
});
