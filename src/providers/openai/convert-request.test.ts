import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest } from '../../spec/index.js';
import { compatiblePresets } from '../openai-compatible/compatible-presets.js';
import { convertRequest } from './convert-request.js';
import { openAiQuirks } from './openai-quirks.js';

const fullRequest: ChatRequest = {
  model: 'balanced',
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'You are terse.', cacheControl: { type: 'ephemeral' } }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture, and what is the weather there?' },
        { type: 'image', url: 'data:image/png;base64,iVBORw0KGgo=', mediaType: 'image/png' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'Looks like Paris.' },
        { type: 'text', text: 'Checking the weather.' },
        { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool-call', id: 'call_2', name: 'get_time', arguments: '{}' },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_1', content: [{ type: 'text', text: '18°C' }] },
        { type: 'tool-result', toolCallId: 'call_2', content: [{ type: 'text', text: 'clock down' }], isError: true },
      ],
    },
  ],
  maxOutputTokens: 300,
  temperature: 0.2,
  topP: 0.9,
  topK: 40,
  stopSequences: ['END'],
  seed: 7,
  presencePenalty: 0.1,
  frequencyPenalty: 0.3,
  tools: [
    {
      name: 'get_weather',
      description: 'Weather by city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      strict: true,
    },
    { name: 'get_time', parameters: { type: 'object', properties: {} } },
  ],
  toolChoice: { type: 'tool', name: 'get_weather' },
  parallelToolCalls: false,
  responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true },
  reasoning: { effort: 'low', budgetTokens: 2048 },
  user: 'user-42',
  stream: true,
};

describe('convertRequest', () => {
  it('converts every field for api.openai.com and warns about what it cannot honour', () => {
    const warnings: string[] = [];
    const body = convertRequest({
      request: fullRequest,
      upstreamModel: 'gpt-4.1-mini',
      quirks: openAiQuirks,
      stream: true,
      warn: (message) => warnings.push(message),
    });
    assert.deepEqual(body, {
      model: 'gpt-4.1-mini',
      messages: [
        { role: 'system', content: 'You are terse.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture, and what is the weather there?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
        {
          role: 'assistant',
          content: 'Checking the weather.',
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_2', type: 'function', function: { name: 'get_time', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18°C' },
        { role: 'tool', tool_call_id: 'call_2', content: 'clock down' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_completion_tokens: 300,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 7,
      presence_penalty: 0.1,
      frequency_penalty: 0.3,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather by city',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'answer', schema: { type: 'object' }, strict: true },
      },
      reasoning_effort: 'low',
      user: 'user-42',
    });
    assert.equal(warnings.length, 5, warnings.join('\n'));
    assert.match(warnings.join('\n'), /top_k dropped: OpenAI/);
    assert.match(warnings.join('\n'), /cache_control dropped/);
    assert.match(warnings.join('\n'), /reasoning from earlier assistant turns dropped/);
    assert.match(warnings.join('\n'), /tool result error flag dropped/);
    assert.match(warnings.join('\n'), /reasoning budget of 2048 tokens dropped/);
  });

  it('writes max_tokens, downgrades json_schema, replays reasoning and keeps quiet about parallel calls where quirks say so', () => {
    const warnings: string[] = [];
    const body = convertRequest({
      request: fullRequest,
      upstreamModel: 'deepseek-chat',
      quirks: compatiblePresets.deepseek.quirks,
      stream: false,
      warn: (message) => warnings.push(message),
    });
    assert.equal(body.max_tokens, 300);
    assert.equal(body.max_completion_tokens, undefined);
    assert.equal(body.stream, false);
    assert.equal(body.stream_options, undefined);
    assert.deepEqual(body.response_format, { type: 'json_object' });
    assert.equal(body.parallel_tool_calls, undefined);
    assert.equal(body.messages[2]?.role === 'assistant' && body.messages[2].reasoning_content, 'Looks like Paris.');
    const text = warnings.join('\n');
    assert.match(text, /json_schema downgraded to json_object: DeepSeek/);
    assert.match(text, /parallel_tool_calls dropped: DeepSeek/);
    assert.doesNotMatch(text, /reasoning from earlier/);
  });

  it('sends top_k where the server takes it', () => {
    const body = convertRequest({
      request: fullRequest,
      upstreamModel: 'llama',
      quirks: compatiblePresets.vllm.quirks,
      stream: false,
      warn: () => {},
    });
    assert.equal(body.top_k, 40);
  });

  it('writes plain string content and a null content for tool-call-only turns, and sends nothing unasked', () => {
    const warnings: string[] = [];
    const body = convertRequest({
      request: {
        model: 'm',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'text', text: 'b' },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'c', name: 'f', arguments: '{}' }] },
        ],
        parallelToolCalls: true,
        stream: false,
      },
      upstreamModel: 'm',
      quirks: openAiQuirks,
      stream: false,
      warn: (message) => warnings.push(message),
    });
    assert.deepEqual(body, {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
      ],
      stream: false,
    });
    assert.deepEqual(warnings, []);
  });

  it('never sends tool_choice without tools, nor a null content without tool calls', () => {
    const warnings: string[] = [];
    const body = convertRequest({
      request: {
        model: 'm',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'q' }] },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'only thoughts' }] },
          { role: 'user', content: [{ type: 'text', text: 'q2' }] },
        ],
        toolChoice: { type: 'required' },
        stream: false,
      },
      upstreamModel: 'm',
      quirks: openAiQuirks,
      stream: false,
      warn: (message) => warnings.push(message),
    });
    assert.equal(body.tool_choice, undefined);
    assert.deepEqual(body.messages[1], { role: 'assistant', content: '' });
    assert.match(warnings.join('\n'), /tool_choice dropped/);
  });
});
