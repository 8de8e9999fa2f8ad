import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import { runSimulatedServerCommand, type SimulatedServer, startSimulatedServer } from './start-simulated-server.js';
import { longText } from './test-helpers.js';

let server: SimulatedServer;
let openai: OpenAI;
let anthropic: Anthropic;

before(async () => {
  server = await startSimulatedServer({
    host: '127.0.0.1',
    port: 0,
    ttftMs: 0,
    sleep: async () => {},
    embeddingDimensions: 256,
  });
  openai = new OpenAI({ apiKey: 'sk-simulated', baseURL: server.url, maxRetries: 0 });
  anthropic = new Anthropic({ apiKey: 'sk-ant-simulated', baseURL: server.url.replace(/\/v1$/, ''), maxRetries: 0 });
});

after(async () => {
  await server.close();
});

const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: 'You answer questions about astronomy.' },
  { role: 'user', content: 'Why is Mars red? Answer in JSON.' },
];

describe('the official openai client against the simulated server', () => {
  it('completes a chat, streaming and not, with usage', async () => {
    const completion = await openai.chat.completions.create({ model: 'sim-small', messages });
    const text = completion.choices[0]?.message.content ?? '';
    assert.ok(text.length > 0);
    assert.equal(completion.usage?.completion_tokens, encode(text).length);

    const stream = await openai.chat.completions.create({
      model: 'sim-small',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let streamed = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      streamed += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(streamed, text);
    assert.equal(finish, 'stop');
    assert.deepEqual(usage, completion.usage);
  });

  it('calls tools and honours json_object mode', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'lookup_planet',
          description: 'Facts about a planet',
          parameters: { type: 'object', properties: { planet: { type: 'string' } }, required: ['planet'] },
        },
      },
    ];
    const called = await openai.chat.completions.create({
      model: 'sim-small',
      messages,
      tools,
      tool_choice: 'required',
    });
    const call = called.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type, 'function');
    assert.equal(call?.type === 'function' ? call.function.name : '', 'lookup_planet');
    assert.equal(typeof JSON.parse(call?.type === 'function' ? call.function.arguments : '').planet, 'string');
    const json = await openai.chat.completions.create({
      model: 'sim-small',
      messages,
      response_format: { type: 'json_object' },
    });
    assert.equal(typeof JSON.parse(json.choices[0]?.message.content ?? ''), 'object');
  });

  it('embeds (base64 by default in the client) and lists models', async () => {
    const embeddings = await openai.embeddings.create({
      model: 'sim-embed',
      input: ['red planet', 'the red planet Mars'],
    });
    const [first, second] = embeddings.data.map((item) => item.embedding);
    assert.equal(first?.length, 256);
    const dot = (first ?? []).reduce((sum, value, index) => sum + value * (second?.[index] ?? 0), 0);
    assert.ok(dot > 0.5, String(dot));
    const models = await openai.models.list();
    assert.deepEqual(
      models.data.map((model) => model.id),
      ['sim-small', 'sim-medium', 'sim-large', 'sim-embed'],
    );
  });

  it('surfaces injected faults as the client error classes', async () => {
    await assert.rejects(
      openai.chat.completions.create(
        { model: 'sim-small', messages },
        { headers: { 'x-sim-fault': 'rate_limit; retry-after=2' } },
      ),
      (error: unknown) => error instanceof OpenAI.RateLimitError && error.headers.get('retry-after') === '2',
    );
    await assert.rejects(
      openai.chat.completions.create({ model: 'sim-small', messages }, { headers: { 'x-sim-fault': 'reset' } }),
      (error: unknown) => error instanceof OpenAI.APIConnectionError,
    );
    await assert.rejects(
      openai.chat.completions.create(
        { model: 'sim-small', messages },
        { headers: { 'x-sim-fault': 'timeout' }, timeout: 200 },
      ),
      (error: unknown) => error instanceof OpenAI.APIConnectionTimeoutError,
    );
  });
});

describe('the official @anthropic-ai/sdk client against the simulated server', () => {
  it('creates and streams messages with tools', async () => {
    const params = {
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      messages: [{ role: 'user' as const, content: 'Why is Mars red?' }],
    };
    const created = await anthropic.messages.create(params);
    assert.equal(created.stop_reason, 'end_turn');
    const streamed = await anthropic.messages.stream(params).finalMessage();
    assert.deepEqual(streamed.content, created.content);
    assert.equal(streamed.usage.output_tokens, created.usage.output_tokens);
    const withTool = await anthropic.messages.create({
      ...params,
      tools: [
        {
          name: 'lookup_planet',
          description: 'Facts about a planet',
          input_schema: { type: 'object', properties: { planet: { type: 'string' } }, required: ['planet'] },
        },
      ],
    });
    assert.equal(withTool.stop_reason, 'tool_use');
    const block = withTool.content[0];
    assert.equal(block?.type, 'tool_use');
  });

  it('writes a cache_control prefix, then reads it', async () => {
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: longText(1200, 'x'), cache_control: { type: 'ephemeral' } },
    ];
    const ask = (content: string) =>
      anthropic.messages.create({
        model: 'claude-sonnet-4-5',
        max_tokens: 50,
        system,
        messages: [{ role: 'user', content }],
      });
    const first = await ask('First question');
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 1024);
    assert.equal(first.usage.cache_read_input_tokens, 0);
    const second = (
      await anthropic.messages
        .stream({ model: 'claude-sonnet-4-5', max_tokens: 50, system, messages: [{ role: 'user', content: 'Second' }] })
        .finalMessage()
    ).usage;
    assert.equal(second.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(second.cache_creation_input_tokens, 0);
  });

  it('surfaces 529 overloaded as an API error', async () => {
    await assert.rejects(
      anthropic.messages.create(
        { model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-sim-fault': 'overloaded' } },
      ),
      (error: unknown) => error instanceof Anthropic.APIError && error.status === 529,
    );
  });
});

describe('runSimulatedServerCommand', () => {
  it('serves until stopped and rejects bad arguments', async () => {
    let output = '';
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const running = runSimulatedServerCommand(['--port', '0', '--ttft-ms', '0', '--fault', 'server_error:1'], {
      stdout: { write: (text: string) => (output += text) },
      stderr: { write: () => true },
      stopped,
    });
    while (!output.includes('http://')) await new Promise((resolve) => setTimeout(resolve, 5));
    const url = output.match(/http:\/\/\S+/)?.[0] ?? '';
    const response = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(response.status, 500);
    stop();
    assert.equal(await running, 0);
    let errors = '';
    const code = await runSimulatedServerCommand(['--fault', 'gremlins:1'], {
      stdout: { write: () => true },
      stderr: { write: (text: string) => (errors += text) },
    });
    assert.equal(code, 2);
    assert.match(errors, /--fault/);
  });
});
