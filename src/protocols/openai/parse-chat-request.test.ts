import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GatewayError } from '../../spec/index.js';
import { parseChatRequest } from './parse-chat-request.js';

const fixture = JSON.parse(
  readFileSync(new URL('./__fixtures__/request-tools-vision.json', import.meta.url), 'utf8'),
) as Record<string, unknown>;

const minimal = { model: 'auto', messages: [{ role: 'user', content: 'Hi' }] };

describe('parseChatRequest', () => {
  it('converts a full request with tools, vision, tool results and structured output', () => {
    assert.deepEqual(parseChatRequest(fixture), {
      model: 'balanced',
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You answer briefly.' }] },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Where is this, and what is the weather there?' },
            { type: 'image', url: 'https://upload.wikimedia.org/wikipedia/commons/4/4b/La_Tour_Eiffel.jpg' },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'tool-call', id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool-call', id: 'call_b', name: 'get_time', arguments: '{"city":"Paris"}' },
          ],
        },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'call_a', content: [{ type: 'text', text: '18°C, clear' }] },
            { type: 'tool-result', toolCallId: 'call_b', content: [{ type: 'text', text: '14:05' }] },
          ],
        },
      ],
      stream: true,
      includeStreamUsage: true,
      maxOutputTokens: 400,
      temperature: 0.3,
      topP: 0.95,
      stopSequences: ['END'],
      seed: 11,
      presencePenalty: 0,
      frequencyPenalty: 0.5,
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
            additionalProperties: false,
          },
          strict: true,
        },
        { name: 'get_time', parameters: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      responseFormat: {
        type: 'json_schema',
        name: 'answer',
        schema: { type: 'object', properties: { summary: { type: 'string' } } },
        strict: true,
      },
      reasoning: { effort: 'low' },
      user: 'user-hash-7',
    });
  });

  it('keeps a minimal request minimal', () => {
    assert.deepEqual(parseChatRequest(minimal), {
      model: 'auto',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      stream: false,
    });
  });

  it('reads max_tokens, a named tool choice, json_object, top_k and earlier reasoning_content', () => {
    const request = parseChatRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a', reasoning_content: 'thought' },
        { role: 'user', content: 'q2' },
      ],
      max_tokens: 50,
      top_k: 20,
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: { type: 'json_object' },
    });
    assert.equal(request.maxOutputTokens, 50);
    assert.equal(request.topK, 20);
    assert.deepEqual(request.toolChoice, { type: 'tool', name: 'f' });
    assert.deepEqual(request.responseFormat, { type: 'json_object' });
    assert.deepEqual(request.messages[1], {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'thought' },
        { type: 'text', text: 'a' },
      ],
    });
  });

  it('shows usage only to a streaming client that asked for it', () => {
    assert.equal(parseChatRequest({ ...minimal, stream: true }).includeStreamUsage, undefined);
    assert.equal(
      parseChatRequest({ ...minimal, stream: false, stream_options: { include_usage: true } }).includeStreamUsage,
      undefined,
    );
  });

  const invalid: { name: string; body: unknown; param: string | undefined; message: RegExp }[] = [
    { name: 'a body that is not an object', body: [1, 2], param: undefined, message: /must be a JSON object/ },
    {
      name: 'a missing model',
      body: { messages: minimal.messages },
      param: 'model',
      message: /expected the model name as a string/,
    },
    { name: 'no messages', body: { model: 'm', messages: [] }, param: 'messages', message: /at least one message/ },
    {
      name: 'messages that are not an array',
      body: { model: 'm', messages: 'hi' },
      param: 'messages',
      message: /expected an array of messages/,
    },
    {
      name: 'content of the wrong type',
      body: {
        model: 'm',
        messages: [
          { role: 'system', content: 'x' },
          { role: 'user', content: 'y' },
          { role: 'user', content: 42 },
        ],
      },
      param: 'messages[2].content',
      message: /Invalid 'messages\[2\]\.content': expected a string or an array of content parts/,
    },
    {
      name: 'an image part without url',
      body: {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'image_url', image_url: {} },
            ],
          },
        ],
      },
      param: 'messages[0].content[1].image_url.url',
      message: /expected string/,
    },
    {
      name: 'an unknown content part type',
      body: { model: 'm', messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] },
      param: 'messages[0].content[0].type',
      message: /expected a content part of type 'text' or 'image_url'/,
    },
    {
      name: 'an audio part',
      body: {
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: '', format: 'wav' } }] }],
      },
      param: 'messages[0].content[0].type',
      message: /'input_audio' content parts are not supported/,
    },
    {
      name: 'an unknown role',
      body: { model: 'm', messages: [{ role: 'bot', content: 'x' }] },
      param: 'messages[0].role',
      message: /expected role to be one of 'system', 'developer', 'user', 'assistant' or 'tool'/,
    },
    {
      name: 'the deprecated function role',
      body: { model: 'm', messages: [{ role: 'function', name: 'f', content: 'x' }] },
      param: 'messages[0].role',
      message: /deprecated 'function' role/,
    },
    {
      name: 'a tool message without tool_call_id',
      body: {
        model: 'm',
        messages: [
          { role: 'user', content: 'x' },
          { role: 'tool', content: 'y' },
        ],
      },
      param: 'messages[1].tool_call_id',
      message: /expected string/,
    },
    {
      name: 'an empty assistant message',
      body: { model: 'm', messages: [{ role: 'assistant', content: null }] },
      param: 'messages[0].content',
      message: /needs content or tool_calls/,
    },
    { name: 'n > 1', body: { ...minimal, n: 3 }, param: 'n', message: /only n = 1 is supported/ },
    {
      name: 'legacy functions',
      body: { ...minimal, functions: [{ name: 'f', parameters: {} }] },
      param: 'functions',
      message: /send tools/,
    },
    {
      name: 'legacy function_call',
      body: { ...minimal, function_call: 'auto' },
      param: 'function_call',
      message: /send tool_choice/,
    },
    { name: 'a temperature out of range', body: { ...minimal, temperature: 3 }, param: 'temperature', message: /<=2/ },
    {
      name: 'a fractional max_tokens',
      body: { ...minimal, max_tokens: 1.5 },
      param: 'max_tokens',
      message: /expected an integer/,
    },
    {
      name: 'an unknown argument',
      body: { ...minimal, frobnicate: true },
      param: 'frobnicate',
      message: /^Unrecognized request argument supplied: frobnicate$/,
    },
    {
      name: 'a tool choice naming no tool',
      body: {
        ...minimal,
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: { type: 'function', function: { name: 'g' } },
      },
      param: 'tool_choice.function.name',
      message: /no tool named 'g'/,
    },
    {
      name: 'a bad tool choice',
      body: { ...minimal, tool_choice: 'always' },
      param: 'tool_choice',
      message: /expected one of "none"\|"auto"\|"required"/,
    },
    {
      name: 'a tool name with spaces',
      body: { ...minimal, tools: [{ type: 'function', function: { name: 'get weather' } }] },
      param: 'tools[0].function.name',
      message: /1 to 64 letters/,
    },
    {
      name: 'an unknown response format',
      body: { ...minimal, response_format: { type: 'xml' } },
      param: 'response_format.type',
      message: /'text', 'json_object' or 'json_schema'/,
    },
    {
      name: 'an unknown reasoning effort',
      body: { ...minimal, reasoning_effort: 'extreme' },
      param: 'reasoning_effort',
      message: /minimal, low, medium, high/,
    },
    { name: 'log probabilities', body: { ...minimal, logprobs: true }, param: 'logprobs', message: /not supported/ },
    {
      name: 'audio output',
      body: { ...minimal, modalities: ['text', 'audio'] },
      param: 'modalities',
      message: /only the 'text' modality/,
    },
  ];
  for (const testCase of invalid) {
    it(`refuses ${testCase.name} with param ${testCase.param ?? '(none)'}`, () => {
      assert.throws(
        () => parseChatRequest(testCase.body),
        (error: unknown) => {
          assert.ok(error instanceof GatewayError);
          assert.equal(error.code, 'invalid_request');
          assert.equal(error.status, 400);
          assert.equal(error.param, testCase.param);
          assert.match(error.message, testCase.message);
          return true;
        },
      );
    });
  }
});
