import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { convertRequest } from '../../providers/anthropic/convert-request.js';
import { GatewayError } from '../../spec/index.js';
import { parseChatRequest } from './parse-chat-request.js';

/** A realistic agent turn: cached system prompt, tool round trip, thinking, image (see __fixtures__/README.md). */
const agentTurn = JSON.parse(
  readFileSync(new URL('./__fixtures__/request-agent-turn.json', import.meta.url), 'utf8'),
) as { messages: unknown[]; tool_choice: unknown } & Record<string, unknown>;

function rejects(body: unknown, expected: { param?: string; message: RegExp }): void {
  assert.throws(
    () => parseChatRequest(body),
    (error: unknown) => {
      assert.ok(error instanceof GatewayError);
      assert.equal(error.code, 'invalid_request');
      assert.equal(error.status, 400);
      assert.equal(error.param, expected.param);
      assert.match(error.message, expected.message);
      return true;
    },
  );
}

describe('parseChatRequest (Anthropic)', () => {
  it('parses a string-content request with defaults', () => {
    const request = parseChatRequest({
      model: 'claude-haiku-4-5',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hi' }],
    });
    assert.deepEqual(request, {
      model: 'claude-haiku-4-5',
      maxOutputTokens: 64,
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
  });

  it('keeps cache_control, splits tool results into a tool message, and maps every parameter', () => {
    const request = parseChatRequest(agentTurn);
    assert.deepEqual(request.messages, [
      {
        role: 'system',
        content: [
          { type: 'text', text: 'You are a travel agent.', cacheControl: { type: 'ephemeral', ttl: '1h' } },
          { type: 'text', text: 'Today is Tuesday.' },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' },
          { type: 'text', text: 'Weather where this photo was taken?', cacheControl: { type: 'ephemeral' } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'The photo shows the Eiffel Tower.', signature: 'sig-abc' },
          { type: 'text', text: 'That is Paris; checking.' },
          { type: 'tool-call', id: 'toolu_01', name: 'get_weather', arguments: '{"city":"Paris"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01',
            content: [{ type: 'text', text: '18°C, sunny', cacheControl: { type: 'ephemeral' } }],
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
    assert.equal(request.maxOutputTokens, 8000);
    assert.equal(request.stream, true);
    assert.deepEqual(request.reasoning, { budgetTokens: 2048 });
    assert.deepEqual(request.toolChoice, { type: 'auto' });
    assert.equal(request.parallelToolCalls, false);
    assert.deepEqual(request.stopSequences, ['###']);
    assert.equal(request.user, 'user-7');
    assert.equal(request.tools?.[0]?.name, 'get_weather');
  });

  it('round-trips through the Anthropic adapter to the same wire body', () => {
    const warnings: string[] = [];
    const { body } = convertRequest({
      request: parseChatRequest(agentTurn),
      upstreamModel: 'claude-sonnet-4-5',
      stream: true,
      warn: (message) => warnings.push(message),
    });
    const { tool_choice, ...expected } = agentTurn;
    const { tool_choice: sentChoice, ...sent } = body;
    assert.deepEqual(sent, {
      ...expected,
      messages: [
        agentTurn.messages[0],
        agentTurn.messages[1],
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_01',
              content: [{ type: 'text', text: '18°C, sunny', cache_control: { type: 'ephemeral' } }],
            },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    assert.deepEqual(sentChoice, tool_choice);
    assert.deepEqual(warnings, []);
  });

  it('maps tool_choice any/tool/none and structured output', () => {
    const base = { model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] };
    assert.deepEqual(parseChatRequest({ ...base, tool_choice: { type: 'any' } }).toolChoice, { type: 'required' });
    assert.deepEqual(parseChatRequest({ ...base, tool_choice: { type: 'tool', name: 'f' } }).toolChoice, {
      type: 'tool',
      name: 'f',
    });
    assert.deepEqual(parseChatRequest({ ...base, tool_choice: { type: 'none' } }).toolChoice, { type: 'none' });
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    assert.deepEqual(
      parseChatRequest({ ...base, output_config: { format: { type: 'json_schema', schema } } }).responseFormat,
      {
        type: 'json_schema',
        name: 'response',
        schema,
      },
    );
    assert.deepEqual(parseChatRequest({ ...base, thinking: { type: 'adaptive' } }).reasoning, { effort: 'high' });
  });

  it('treats an empty thinking signature as unsigned reasoning', () => {
    const request = parseChatRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'from DeepSeek', signature: '' }] },
        { role: 'user', content: 'y' },
      ],
    });
    assert.deepEqual(request.messages[1], {
      role: 'assistant',
      content: [{ type: 'reasoning', text: 'from DeepSeek' }],
    });
  });

  it('requires max_tokens, as Anthropic does', () => {
    rejects(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      { param: 'max_tokens', message: /^max_tokens: Field required$/ },
    );
    rejects(
      { model: 'm', max_tokens: 'lots', messages: [{ role: 'user', content: 'Hi' }] },
      { param: 'max_tokens', message: /valid integer/ },
    );
  });

  it('names the path of a bad block inside the content list', () => {
    rejects(
      {
        model: 'm',
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'ok' }, { type: 'document' }] }],
      },
      { param: 'messages.0.content.1.type', message: /"document" is not supported/ },
    );
    rejects(
      { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] },
      { param: 'messages.0.content.0.tool_use_id', message: /Field required/ },
    );
    rejects(
      {
        model: 'm',
        max_tokens: 5,
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }],
      },
      { param: 'messages.0.content.0.type', message: /a user message may not hold tool_use blocks/ },
    );
    rejects(
      {
        model: 'm',
        max_tokens: 5,
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }],
              },
            ],
          },
        ],
      },
      { param: 'messages.0.content.0.content.0.type', message: /images inside tool_result/ },
    );
  });

  it('rejects wrong types, out-of-range values, server tools and non-object bodies', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] };
    rejects({ ...base, temperature: 1.5 }, { param: 'temperature', message: /<=1/ });
    rejects({ ...base, messages: [] }, { param: 'messages', message: /at least 1 item/ });
    rejects(
      { ...base, tools: [{ type: 'web_search_20250305', name: 'web_search' }] },
      { param: 'tools.0.type', message: /custom tools/ },
    );
    rejects(
      { ...base, thinking: { type: 'enabled', budget_tokens: 100 } },
      { param: 'thinking.budget_tokens', message: />=1024/ },
    );
    rejects('not an object', { message: /^Invalid request body/ });
  });
});
