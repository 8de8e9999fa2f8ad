import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../spec/chat-request.js';
import type { Message } from '../spec/message.js';
import {
  countChatRequestTokens,
  countOutputTokens,
  countTextTokens,
  encodingForModel,
  IMAGE_TOKEN_ESTIMATE,
  type TokenEncoding,
} from './count-tokens.js';

function request(messages: Message[], extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4o', messages, stream: false, ...extra };
}

function text(role: 'system' | 'user', content: string): Message {
  return { role, content: [{ type: 'text', text: content }] };
}

describe('countTextTokens', () => {
  it('matches tiktoken on known strings', () => {
    // tiktoken: cl100k_base "tiktoken is great!" → [83, 1609, 5963, 374, 2294, 0]; "hello world" → [15339, 1917].
    assert.equal(countTextTokens('tiktoken is great!', 'cl100k_base'), 6);
    assert.equal(countTextTokens('hello world', 'cl100k_base'), 2);
    // o200k_base "hello world" → [24912, 2375].
    assert.equal(countTextTokens('hello world', 'o200k_base'), 2);
    assert.equal(countTextTokens(''), 0);
  });

  it('counts special-token look-alikes in user text as text instead of throwing', () => {
    assert.ok(countTextTokens('a <|endoftext|> b', 'cl100k_base') > 3);
    assert.ok(countTextTokens('<|im_start|>system', 'o200k_base') > 2);
  });

  it('counts output text like any other text', () => {
    assert.equal(countOutputTokens('tiktoken is great!', 'cl100k_base'), 6);
  });
});

describe('encodingForModel', () => {
  it('uses o200k_base for current OpenAI models and cl100k_base for older ones and everyone else', () => {
    const cases: [string, TokenEncoding][] = [
      ['gpt-4o', 'o200k_base'],
      ['gpt-4o-mini-2024-07-18', 'o200k_base'],
      ['openai/gpt-4.1', 'o200k_base'],
      ['gpt-5-nano', 'o200k_base'],
      ['o3-mini', 'o200k_base'],
      ['ft:gpt-4o-mini-2024-07-18:acme::abc', 'o200k_base'],
      ['gpt-4', 'cl100k_base'],
      ['gpt-4-turbo', 'cl100k_base'],
      ['gpt-3.5-turbo', 'cl100k_base'],
      ['text-embedding-3-small', 'cl100k_base'],
      ['claude-sonnet-4-5', 'cl100k_base'],
      ['deepseek-chat', 'cl100k_base'],
      ['auto', 'cl100k_base'],
    ];
    for (const [model, encoding] of cases) assert.equal(encodingForModel(model), encoding, model);
  });
});

describe('countChatRequestTokens', () => {
  // OpenAI cookbook, "How to count tokens with tiktoken": the API bills these messages as 129 prompt
  // tokens on gpt-4 / gpt-3.5-turbo and 124 on gpt-4o. Four of them carry a `name` the gateway's
  // messages do not have; each name costs 1 token plus its text, added back below.
  const cookbook = [
    text(
      'system',
      'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.',
    ),
    text('system', 'New synergies will help drive top-line growth.'),
    text('system', 'Things working well together will increase revenue.'),
    text(
      'system',
      "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.",
    ),
    text('system', "Let's talk later when we're less busy about how to do better."),
    text('user', "This late pivot means we don't have time to boil the ocean for the client deliverable."),
  ];
  const names = ['example_user', 'example_assistant', 'example_user', 'example_assistant'];
  const nameTokens = (encoding: TokenEncoding) =>
    names.reduce((sum, name) => sum + 1 + countTextTokens(name, encoding), 0);

  it('matches the prompt tokens OpenAI bills for the cookbook example', () => {
    assert.equal(countChatRequestTokens(request(cookbook, { model: 'gpt-4' })) + nameTokens('cl100k_base'), 129);
    assert.equal(countChatRequestTokens(request(cookbook, { model: 'gpt-4o' })) + nameTokens('o200k_base'), 124);
  });

  it('counts 3 per message, the role, the content and 3 to prime the reply', () => {
    const one = request([text('user', 'hello world')]);
    assert.equal(countChatRequestTokens(one), 3 + 3 + 1 + 2);
    assert.equal(countChatRequestTokens(one, 'cl100k_base'), 9);
  });

  it('adds a fixed estimate per image, and counts tool calls, tool results and reasoning', () => {
    const base = countChatRequestTokens(request([text('user', 'what is this?')]));
    const withImage = countChatRequestTokens(
      request([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this?' },
            { type: 'image', url: 'data:image/png;base64,AAAA' },
          ],
        },
      ]),
    );
    assert.equal(withImage - base, IMAGE_TOKEN_ESTIMATE);

    const turn = countChatRequestTokens(
      request([
        {
          role: 'assistant',
          content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
        },
        {
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '18°C, cloudy' }] }],
        },
      ]),
    );
    const expected =
      3 +
      (4 + countTextTokens('get_weather') + countTextTokens('{"city":"Paris"}')) +
      (4 + countTextTokens('18°C, cloudy'));
    assert.equal(turn, expected);
  });

  it('counts tool definitions and a JSON schema response format as their JSON text', () => {
    const messages = [text('user', 'weather in Paris?')];
    const tool = {
      name: 'get_weather',
      description: 'Current weather for a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    };
    const plain = countChatRequestTokens(request(messages));
    const withTool = countChatRequestTokens(request(messages, { tools: [tool] }));
    assert.equal(withTool - plain, countTextTokens(JSON.stringify(tool)));
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const withSchema = countChatRequestTokens(
      request(messages, { responseFormat: { type: 'json_schema', name: 'answer', schema } }),
    );
    assert.equal(withSchema - plain, countTextTokens(JSON.stringify({ name: 'answer', schema })));
  });
});
