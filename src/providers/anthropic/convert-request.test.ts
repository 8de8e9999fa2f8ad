import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ChatRequest, GatewayError } from '../../spec/index.js';
import { convertRequest } from './convert-request.js';

function convert(request: Partial<ChatRequest> & Pick<ChatRequest, 'messages'>) {
  const warnings: string[] = [];
  const converted = convertRequest({
    request: { model: 'claude', stream: false, ...request },
    upstreamModel: 'claude-sonnet-4-5-20250929',
    stream: false,
    warn: (message) => warnings.push(message),
  });
  return { ...converted, warnings };
}

const user = (text: string): ChatRequest['messages'][number] => ({ role: 'user', content: [{ type: 'text', text }] });

describe('convertRequest (Anthropic)', () => {
  it('moves system messages to the top-level system and keeps cache_control with its ttl', () => {
    const { body, warnings } = convert({
      maxOutputTokens: 100,
      messages: [
        {
          role: 'system',
          content: [
            { type: 'text', text: 'You are a librarian.', cacheControl: { type: 'ephemeral', ttl: '1h' } },
            { type: 'text', text: 'Be brief.', cacheControl: { type: 'ephemeral' } },
          ],
        },
        user('Hello'),
      ],
    });
    assert.deepEqual(body.system, [
      { type: 'text', text: 'You are a librarian.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } },
    ]);
    assert.deepEqual(body.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }]);
    assert.equal(body.max_tokens, 100);
    assert.equal(body.model, 'claude-sonnet-4-5-20250929');
    assert.deepEqual(warnings, []);
  });

  it('warns when a system message comes after the conversation started', () => {
    const { body, warnings } = convert({
      maxOutputTokens: 100,
      messages: [user('Hi'), { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] }, user('Bye')],
    });
    assert.deepEqual(body.system, [{ type: 'text', text: 'Answer in French.' }]);
    assert.equal(body.messages.length, 1, 'the two user turns are merged');
    assert.match(warnings.join('\n'), /system message after the conversation start/);
  });

  it('round-trips a tool call: tool_use with parsed input, consecutive results in one user turn', () => {
    const { body } = convert({
      maxOutputTokens: 500,
      tools: [
        { name: 'get_weather', description: 'Weather by city', parameters: { type: 'object', properties: {} } },
        { name: 'get_time', parameters: {} },
      ],
      messages: [
        user('Weather and time in Paris?'),
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Let me look.' },
            { type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'toolu_2', name: 'get_time', arguments: '' },
          ],
        },
        {
          role: 'tool',
          content: [{ type: 'tool-result', toolCallId: 'toolu_1', content: [{ type: 'text', text: '18°C' }] }],
        },
        {
          role: 'tool',
          content: [
            {
              type: 'tool-result',
              toolCallId: 'toolu_2',
              content: [{ type: 'text', text: 'clock broken' }],
              isError: true,
            },
          ],
        },
        user('Thanks'),
      ],
    });
    assert.deepEqual(body.messages[1], {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
        { type: 'tool_use', id: 'toolu_2', name: 'get_time', input: {} },
      ],
    });
    assert.deepEqual(body.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: '18°C' }] },
        {
          type: 'tool_result',
          tool_use_id: 'toolu_2',
          content: [{ type: 'text', text: 'clock broken' }],
          is_error: true,
        },
        { type: 'text', text: 'Thanks' },
      ],
    });
    assert.equal(body.messages.length, 3);
    assert.deepEqual(body.tools, [
      { name: 'get_weather', description: 'Weather by city', input_schema: { type: 'object', properties: {} } },
      { name: 'get_time', input_schema: { type: 'object', properties: {} } },
    ]);
    assert.equal(body.tool_choice, undefined, 'no choice given: Anthropic defaults to auto');
  });

  it('rejects tool-call arguments that are not JSON, naming the part', () => {
    assert.throws(
      () =>
        convert({
          messages: [
            user('x'),
            { role: 'assistant', content: [{ type: 'tool-call', id: 't', name: 'f', arguments: '{"city": Par' }] },
          ],
        }),
      (error: unknown) =>
        error instanceof GatewayError &&
        error.code === 'invalid_request' &&
        error.param === 'messages[1].content[0].arguments' &&
        /not valid JSON/.test(error.message),
    );
  });

  it('converts images: data URLs to base64 sources, http(s) to url sources, rejects anything else', () => {
    const { body } = convert({
      maxOutputTokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', cacheControl: { type: 'ephemeral' } },
            { type: 'image', url: 'https://example.com/cat.jpg' },
            { type: 'text', text: 'Which is cuter?' },
          ],
        },
      ],
    });
    assert.deepEqual(body.messages[0]?.content, [
      {
        type: 'image',
        source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' },
        cache_control: { type: 'ephemeral' },
      },
      { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      { type: 'text', text: 'Which is cuter?' },
    ]);
    assert.throws(
      () => convert({ messages: [{ role: 'user', content: [{ type: 'image', url: 'file:///etc/passwd' }] }] }),
      (error: unknown) => error instanceof GatewayError && error.param === 'messages[0].content[0]',
    );
  });

  it('sends signed reasoning back as thinking blocks and drops unsigned reasoning with a warning', () => {
    const { body, warnings } = convert({
      maxOutputTokens: 10,
      messages: [
        user('2+2?'),
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'Adding.', signature: 'sig-1' },
            { type: 'reasoning', text: 'DeepSeek thoughts' },
            { type: 'text', text: '4' },
          ],
        },
        user('And 3+3?'),
      ],
    });
    assert.deepEqual(body.messages[1]?.content, [
      { type: 'thinking', thinking: 'Adding.', signature: 'sig-1' },
      { type: 'text', text: '4' },
    ]);
    assert.match(warnings.join('\n'), /Reasoning without an Anthropic signature was dropped/);
  });

  it('sends a default max_tokens with a warning when the request has none', () => {
    const { body, warnings } = convert({ messages: [user('Hi')] });
    assert.equal(body.max_tokens, 4096);
    assert.deepEqual(warnings, ['max_tokens is required by Anthropic and was not given; sent 4096.']);
  });

  it('maps sampling, stop sequences and user; warns about what it drops or clamps', () => {
    const { body, warnings } = convert({
      maxOutputTokens: 50,
      messages: [user('Hi')],
      temperature: 1.4,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      seed: 7,
      presencePenalty: 0.5,
      frequencyPenalty: 0.2,
      user: 'user-42',
    });
    assert.equal(body.temperature, 1);
    assert.equal(body.top_p, 0.9);
    assert.equal(body.top_k, 40);
    assert.deepEqual(body.stop_sequences, ['END']);
    assert.deepEqual(body.metadata, { user_id: 'user-42' });
    assert.equal('seed' in body, false);
    assert.deepEqual(warnings, [
      "temperature 1.4 is above Anthropic's maximum of 1; sent 1.",
      'seed was dropped: Anthropic does not support it.',
      'presence_penalty was dropped: Anthropic does not support it.',
      'frequency_penalty was dropped: Anthropic does not support it.',
    ]);
  });

  it('maps tool_choice and turns parallelToolCalls false into disable_parallel_tool_use', () => {
    const tools = [{ name: 'f', parameters: { type: 'object' } }];
    const base = { maxOutputTokens: 10, messages: [user('x')], tools };
    assert.deepEqual(convert({ ...base, toolChoice: { type: 'required' } }).body.tool_choice, { type: 'any' });
    assert.deepEqual(convert({ ...base, toolChoice: { type: 'none' } }).body.tool_choice, { type: 'none' });
    assert.deepEqual(
      convert({ ...base, toolChoice: { type: 'tool', name: 'f' }, parallelToolCalls: false }).body.tool_choice,
      {
        type: 'tool',
        name: 'f',
        disable_parallel_tool_use: true,
      },
    );
    assert.deepEqual(convert({ ...base, parallelToolCalls: false }).body.tool_choice, {
      type: 'auto',
      disable_parallel_tool_use: true,
    });
    const noTools = convert({ maxOutputTokens: 10, messages: [user('x')], toolChoice: { type: 'required' } });
    assert.equal(noTools.body.tool_choice, undefined);
    assert.deepEqual(noTools.warnings, ['tool_choice was dropped: the request has no tools.']);
  });

  it('enables thinking from a budget and drops the sampling parameters thinking forbids', () => {
    const { body, warnings } = convert({
      maxOutputTokens: 8000,
      messages: [user('Prove it.')],
      reasoning: { budgetTokens: 2048 },
      temperature: 0.2,
      topK: 5,
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: { type: 'required' },
    });
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.equal(body.max_tokens, 8000);
    assert.equal(body.temperature, undefined);
    assert.equal(body.top_k, undefined);
    assert.deepEqual(body.tool_choice, { type: 'auto' });
    assert.equal(warnings.length, 3, warnings.join('\n'));
  });

  it('translates a reasoning effort into a budget and keeps max_tokens above it', () => {
    const high = convert({ messages: [user('x')], reasoning: { effort: 'high' } });
    assert.deepEqual(high.body.thinking, { type: 'enabled', budget_tokens: 4096 });
    assert.equal(high.body.max_tokens, 8192);
    assert.equal(high.warnings.length, 2);
    const cramped = convert({ maxOutputTokens: 1000, messages: [user('x')], reasoning: { budgetTokens: 2000 } });
    assert.equal(cramped.body.thinking, undefined);
    assert.match(cramped.warnings.join('\n'), /Thinking was disabled/);
    const lowered = convert({ maxOutputTokens: 3000, messages: [user('x')], reasoning: { budgetTokens: 5000 } });
    assert.deepEqual(lowered.body.thinking, { type: 'enabled', budget_tokens: 2999 });
  });

  it('emulates json_schema with a forced tool when it can', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const { body, jsonToolName, warnings } = convert({
      maxOutputTokens: 100,
      messages: [user('Where is the Louvre?')],
      responseFormat: { type: 'json_schema', name: 'place', schema, strict: true },
    });
    assert.equal(jsonToolName, 'place');
    assert.deepEqual(body.tool_choice, { type: 'tool', name: 'place' });
    assert.equal(body.tools?.[0]?.name, 'place');
    assert.deepEqual(body.tools?.[0]?.input_schema, schema);
    assert.equal(body.tools?.[0]?.strict, true);
    assert.match(warnings.join('\n'), /forced tool call "place"/);
  });

  it('falls back to a system instruction after the cached system prompt when the request has tools', () => {
    const { body, jsonToolName, warnings } = convert({
      maxOutputTokens: 100,
      messages: [
        {
          role: 'system',
          content: [{ type: 'text', text: 'Long stable prompt', cacheControl: { type: 'ephemeral' } }],
        },
        user('Give me JSON'),
      ],
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      responseFormat: { type: 'json_object' },
    });
    assert.equal(jsonToolName, undefined);
    assert.equal(body.system?.length, 2);
    assert.deepEqual(body.system?.[0], {
      type: 'text',
      text: 'Long stable prompt',
      cache_control: { type: 'ephemeral' },
    });
    assert.match(body.system?.[1]?.text ?? '', /single JSON object/);
    assert.equal(body.tools?.[0]?.name, 'f');
    assert.match(warnings.join('\n'), /not guaranteed to be JSON/);
  });

  it('refuses a conversation without user or assistant turns before any upstream call', () => {
    assert.throws(
      () => convert({ messages: [{ role: 'system', content: [{ type: 'text', text: 'Only a system prompt' }] }] }),
      (error: unknown) =>
        error instanceof GatewayError && error.code === 'invalid_request' && error.param === 'messages',
    );
  });
});
