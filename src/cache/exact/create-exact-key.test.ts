import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../../spec/index.js';
import { createExactKey } from './create-exact-key.js';

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'fast',
    stream: false,
    temperature: 0.2,
    maxOutputTokens: 200,
    stopSequences: ['END', 'STOP'],
    messages: [
      { role: 'system', content: [{ type: 'text', text: 'You answer briefly.' }] },
      { role: 'user', content: [{ type: 'text', text: 'What is the capital of Norway?' }] },
    ],
    ...overrides,
  };
}

const key = (chat: ChatRequest, tenant = 'acme') => createExactKey({ tenant, request: chat });

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('createExactKey', () => {
  it('is a sha256 key that ignores key order, transport fields, end-user ids and cache markers', () => {
    const base = key(request());
    assert.match(base, /^exact:v1:[0-9a-f]{64}$/);
    // The same request built with its keys in another order.
    const reordered: ChatRequest = {
      messages: [
        { content: [{ text: 'You answer briefly.', type: 'text' }], role: 'system' },
        { content: [{ text: 'What is the capital of Norway?', type: 'text' }], role: 'user' },
      ],
      stopSequences: ['STOP', 'END', 'END'],
      maxOutputTokens: 200,
      temperature: 0.2,
      stream: false,
      model: 'fast',
    };
    assert.equal(key(reordered), base);
    assert.equal(key(request({ stream: true, includeStreamUsage: true })), base);
    assert.equal(key(request({ user: 'end-user-42' })), base);
    assert.equal(key(request({ responseFormat: { type: 'text' } })), base);
    const marked = request();
    const system = marked.messages[0];
    if (system?.role === 'system')
      system.content = [{ type: 'text', text: 'You answer briefly.', cacheControl: { type: 'ephemeral' } }];
    assert.equal(key(marked), base);
  });

  it('changes with anything that changes the answer', () => {
    const base = key(request());
    const variants: ChatRequest[] = [
      request({ model: 'premium' }),
      request({ temperature: 0.3 }),
      request({ temperature: undefined }),
      request({ topP: 0.9 }),
      request({ topK: 40 }),
      request({ seed: 7 }),
      request({ stopSequences: ['END'] }),
      request({ presencePenalty: 0.5 }),
      request({ frequencyPenalty: 0.5 }),
      request({ maxOutputTokens: 201 }),
      request({ reasoning: { effort: 'high' } }),
      request({ responseFormat: { type: 'json_object' } }),
      request({ tools: [weatherTool] }),
      request({ messages: [{ role: 'user', content: [{ type: 'text', text: 'What is the capital of Norway?' }] }] }),
      request({
        messages: [
          { role: 'system', content: [{ type: 'text', text: 'You answer briefly.' }] },
          { role: 'user', content: [{ type: 'text', text: 'What is the capital of Sweden?' }] },
        ],
      }),
    ];
    const keys = new Set([base, ...variants.map((variant) => key(variant))]);
    assert.equal(keys.size, variants.length + 1);
    assert.notEqual(key(request(), 'globex'), base, 'the tenant is part of the key');
    assert.notEqual(createExactKey({ tenant: 'acme', request: request(), routing: { minQuality: 0.9 } }), base);
    assert.equal(createExactKey({ tenant: 'acme', request: request(), routing: { dataResidency: 'any' } }), base);
  });

  it('tells tool choices apart but not random tool-call ids or argument key order', () => {
    const withTools = (toolChoice: ChatRequest['toolChoice']) => key(request({ tools: [weatherTool], toolChoice }));
    assert.notEqual(withTools({ type: 'auto' }), withTools({ type: 'required' }));
    assert.notEqual(withTools({ type: 'tool', name: 'get_weather' }), withTools({ type: 'auto' }));
    const conversation = (callId: string, argumentsText: string): ChatRequest =>
      request({
        tools: [weatherTool],
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Oslo?' }] },
          {
            role: 'assistant',
            content: [{ type: 'tool-call', id: callId, name: 'get_weather', arguments: argumentsText }],
          },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: callId, content: [{ type: 'text', text: '4°C' }] }],
          },
        ],
      });
    const first = key(conversation('call_abc', '{"city":"Oslo","unit":"c"}'));
    assert.equal(key(conversation('toolu_xyz', '{"unit": "c", "city": "Oslo"}')), first);
    assert.notEqual(key(conversation('call_abc', '{"city":"Bergen","unit":"c"}')), first);
  });
});
