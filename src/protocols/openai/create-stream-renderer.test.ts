import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createReplayTransport, readFixture } from '../../providers/openai/__fixtures__/replay-transport.js';
import { createOpenAiAdapter } from '../../providers/openai/create-openai-adapter.js';
import { type ChatRequest, emptyUsage, GatewayError, type StreamPart, type Usage } from '../../spec/index.js';
import type { RenderContext } from '../client-protocol.js';
import { createStreamRenderer } from './create-stream-renderer.js';

const context: RenderContext = { requestId: 'req_42', model: 'gpt-4o-mini', createdAt: 1754497390 };

const usage: Usage = {
  uncachedInputTokens: 256,
  cacheReadInputTokens: 1280,
  cacheWriteInputTokens: 0,
  cacheWrite1hInputTokens: 0,
  outputTokens: 9,
  reasoningTokens: 2,
  source: 'reported',
};

/** Feeds parts to a renderer the way the gateway does: usage kept for end(), errors to error(). */
async function render(
  parts: Iterable<StreamPart> | AsyncIterable<StreamPart>,
  request: Partial<ChatRequest>,
  costUsd?: number,
): Promise<string> {
  const renderer = createStreamRenderer(context, { model: 'm', messages: [], stream: true, ...request });
  let output = '';
  let finalUsage = emptyUsage();
  for await (const part of parts) {
    if (part.type === 'usage') finalUsage = part.usage;
    output += renderer.render(part);
    if (part.type === 'finish') output += renderer.end({ usage: finalUsage, costUsd });
    if (part.type === 'error') break;
  }
  return output;
}

/** Serves one canned body per request on 127.0.0.1, frame by frame. */
let server: Server;
let nextBody: { status: number; contentType: string; text: string } = {
  status: 200,
  contentType: 'text/plain',
  text: '',
};
let client: OpenAI;

before(async () => {
  server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(nextBody.status, { 'content-type': nextBody.contentType });
      for (const piece of nextBody.text.split(/(?<=\n\n)/)) response.write(piece);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: 'x', maxRetries: 0 });
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function serveStream(text: string): void {
  nextBody = { status: 200, contentType: 'text/event-stream', text };
}

const textParts: StreamPart[] = [
  { type: 'start', id: 'upstream-id', model: 'gpt-4o-mini-2024-07-18' },
  { type: 'reasoning-delta', text: 'Greeting.' },
  { type: 'text-delta', text: 'Hello' },
  { type: 'text-delta', text: ', world' },
  { type: 'usage', usage },
  { type: 'finish', finishReason: 'stop' },
];

describe('createStreamRenderer, read by the official openai client', () => {
  it('streams role, text and a final usage chunk with cost when include_usage was asked', async () => {
    serveStream(await render(textParts, { includeStreamUsage: true }, 0.000123));
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.ok(chunks.every((chunk) => chunk.id === 'chatcmpl-req_42' && chunk.object === 'chat.completion.chunk'));
    assert.equal(chunks[0]?.choices[0]?.delta.role, 'assistant');
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Hello, world');
    const reasoning = chunks.map(
      (chunk) => (chunk.choices[0]?.delta as { reasoning_content?: string } | undefined)?.reasoning_content ?? '',
    );
    assert.equal(reasoning.join(''), 'Greeting.');
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    assert.equal(finish?.choices[0]?.finish_reason, 'stop');
    const last = chunks.at(-1);
    assert.deepEqual(last?.choices, []);
    assert.deepEqual(last?.usage, {
      prompt_tokens: 1536,
      completion_tokens: 9,
      total_tokens: 1545,
      prompt_tokens_details: { cached_tokens: 1280 },
      completion_tokens_details: { reasoning_tokens: 2 },
      cost_usd: 0.000123,
    });
    assert.ok(chunks.slice(0, -1).every((chunk) => chunk.usage === null));
  });

  it('sends no usage chunk and no usage field when the client did not ask', async () => {
    const output = await render(textParts, {});
    assert.ok(output.endsWith('data: [DONE]\n\n'));
    assert.doesNotMatch(output, /"usage"/);
    serveStream(output);
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((chunk) => chunk.choices.length === 1));
  });

  it('streams tool calls that the client helper assembles into a complete message', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'x', model: 'm' },
      { type: 'tool-call-delta', index: 0, id: 'call_1', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '{"city":' },
      { type: 'tool-call-delta', index: 0, argumentsDelta: '"Paris"}' },
      { type: 'tool-call-delta', index: 1, id: 'call_2', name: 'get_time', argumentsDelta: '{}' },
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'tool-calls' },
    ];
    serveStream(await render(parts, { includeStreamUsage: true }));
    const runner = client.chat.completions.stream({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
      stream_options: { include_usage: true },
    });
    const completion = await runner.finalChatCompletion();
    const choice = completion.choices[0];
    assert.equal(choice?.finish_reason, 'tool_calls');
    assert.deepEqual(
      choice?.message.tool_calls?.map((call) =>
        call.type === 'function' ? [call.id, call.function.name, call.function.arguments] : [],
      ),
      [
        ['call_1', 'get_weather', '{"city":"Paris"}'],
        ['call_2', 'get_time', '{}'],
      ],
    );
    assert.equal(completion.usage?.prompt_tokens, 1536);
  });

  it('ends a failed stream with an error event and no [DONE], which makes the client throw', async () => {
    const parts: StreamPart[] = [
      { type: 'start', id: 'x', model: 'm' },
      { type: 'text-delta', text: 'Once upon' },
      {
        type: 'error',
        error: new GatewayError({
          code: 'stream_cut',
          message: 'The stream from openai ended before the provider finished the answer.',
        }),
      },
    ];
    const output = await render(parts, { includeStreamUsage: true });
    assert.doesNotMatch(output, /\[DONE\]/);
    assert.ok(
      output.endsWith(
        'data: {"error":{"message":"The stream from openai ended before the provider finished the answer.","type":"server_error","param":null,"code":"stream_cut"}}\n\n',
      ),
    );
    serveStream(output);

    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'Story' }],
      stream: true,
    });
    let received = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) received += chunk.choices[0]?.delta.content ?? '';
      })(),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.APIError);
        assert.match(error.message, /ended before the provider finished/);
        assert.equal(error.code, 'stream_cut');
        assert.equal(error.type, 'server_error');
        return true;
      },
    );
    assert.equal(received, 'Once upon');
  });

  it('renders nothing after the stream is closed', () => {
    const renderer = createStreamRenderer(context, { model: 'm', messages: [], stream: true });
    renderer.render({ type: 'finish', finishReason: 'stop' });
    assert.match(renderer.end({ usage, costUsd: undefined }), /\[DONE\]/);
    assert.equal(renderer.render({ type: 'text-delta', text: 'late' }), '');
    assert.equal(renderer.error(new GatewayError({ code: 'internal', message: 'late' })), '');
  });
});

describe('an OpenAI stream relayed through the adapter and the renderer', () => {
  for (const fixture of ['stream-text-usage.sse', 'deepseek-stream-reasoning.sse', 'stream-tool-calls.sse']) {
    it(`reads ${fixture} the same in the official client as the provider sent it`, async () => {
      const replay = createReplayTransport({ body: readFixture(fixture) });
      const adapter = createOpenAiAdapter({
        endpoint: {
          name: 'up',
          baseUrl: 'http://upstream.invalid/v1',
          apiKey: 'k',
          headers: {},
          timeouts: { connectMs: 1, firstByteMs: 1, idleMs: 1 },
        },
        transport: replay.transport,
      });
      const parts = await adapter.stream(
        { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'q' }] }], stream: true },
        { upstreamModel: 'm', signal: new AbortController().signal, warn: () => {} },
      );
      serveStream(await render(parts, { includeStreamUsage: true }));

      const relayed = client.chat.completions.stream({
        model: 'm',
        messages: [{ role: 'user', content: 'q' }],
        stream_options: { include_usage: true },
      });
      const completion = await relayed.finalChatCompletion();

      const upstreamChunks = readFixture(fixture)
        .split('\n')
        .filter((line) => line.startsWith('data: {'))
        .map(
          (line) =>
            JSON.parse(line.slice(6)) as {
              choices: { delta: { content?: string | null } }[];
              usage?: { prompt_tokens: number } | null;
            },
        );
      const upstreamText = upstreamChunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      const upstreamUsage = upstreamChunks.map((chunk) => chunk.usage).find((value) => value != null);
      assert.equal(completion.choices[0]?.message.content ?? '', upstreamText);
      assert.equal(completion.usage?.prompt_tokens, upstreamUsage?.prompt_tokens);
    });
  }
});
