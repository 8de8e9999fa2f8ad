import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { createTestHandler, longText, post, readAll, sseEvents } from './test-helpers.js';

const question = { role: 'user', content: 'Which museums should I visit in Madrid?' };
const system = { role: 'system', content: 'You are a concise travel assistant.' };

/** What OpenAI bills for a plain chat: 3 framing tokens per message plus 3 to prime the reply. */
function expectedPromptTokens(messages: { content: string }[]): number {
  return messages.reduce((sum, message) => sum + 3 + encode(message.content).length, 3);
}

describe('simulated OpenAI chat completions', () => {
  it('answers in the exact chat.completion shape with tokenizer-true usage', async () => {
    const handler = createTestHandler({ now: () => 1_750_000_000_000 });
    const response = await readAll(
      await post(handler, { path: '/v1/chat/completions', body: { model: 'sim-small', messages: [system, question] } }),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.match(response.headers['x-request-id'] ?? '', /^req_/);
    const body = JSON.parse(response.text);
    assert.match(body.id, /^chatcmpl-[A-Za-z0-9]{29}$/);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.created, 1_750_000_000);
    assert.equal(body.model, 'sim-small');
    assert.equal(body.choices.length, 1);
    const [choice] = body.choices;
    assert.equal(choice.index, 0);
    assert.equal(choice.finish_reason, 'stop');
    assert.equal(choice.message.role, 'assistant');
    assert.equal(typeof choice.message.content, 'string');
    assert.equal(body.usage.prompt_tokens, expectedPromptTokens([system, question]));
    assert.equal(body.usage.completion_tokens, encode(choice.message.content).length);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + body.usage.completion_tokens);
    assert.equal(body.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal(body.usage.completion_tokens_details.reasoning_tokens, 0);
  });

  it('streams chunks, then the usage chunk, then [DONE], with the same answer as without streaming', async () => {
    const handler = createTestHandler();
    const request = { model: 'sim-small', messages: [system, question] };
    const plain = JSON.parse(
      (await readAll(await post(handler, { path: '/v1/chat/completions', body: request }))).text,
    );
    const streamed = await readAll(
      await post(handler, {
        path: '/v1/chat/completions',
        body: { ...request, stream: true, stream_options: { include_usage: true } },
      }),
    );
    assert.equal(streamed.headers['content-type'], 'text/event-stream; charset=utf-8');
    const events = sseEvents(streamed.text);
    assert.equal(events.at(-1)?.data, '[DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    assert.ok(chunks.length >= 5, 'several chunks');
    for (const chunk of chunks) {
      assert.equal(chunk.object, 'chat.completion.chunk');
      assert.equal(chunk.id, chunks[0].id);
    }
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.deepEqual(usageChunk.usage, plain.usage);
    const finishChunk = chunks.at(-2);
    assert.equal(finishChunk.choices[0].finish_reason, 'stop');
    assert.equal(finishChunk.usage, null);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, plain.choices[0].message.content);

    const withoutUsage = sseEvents(
      (await readAll(await post(handler, { path: '/v1/chat/completions', body: { ...request, stream: true } }))).text,
    );
    const lastChunk = JSON.parse(withoutUsage.at(-2)?.data ?? '{}');
    assert.equal(lastChunk.choices[0].finish_reason, 'stop');
    assert.equal('usage' in lastChunk, false);
  });

  it('caps the answer at max_tokens with finish_reason length', async () => {
    const handler = createTestHandler();
    const body = JSON.parse(
      (
        await readAll(
          await post(handler, {
            path: '/v1/chat/completions',
            body: { model: 'm', max_completion_tokens: 5, messages: [question] },
          }),
        )
      ).text,
    );
    assert.equal(body.choices[0].finish_reason, 'length');
    assert.equal(body.usage.completion_tokens, 5);
  });

  it('returns a tool call with arguments fitting the schema, streamed as tool_call deltas', async () => {
    const handler = createTestHandler();
    const tools = [
      {
        type: 'function',
        function: {
          name: 'find_museums',
          description: 'Find museums in a city',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' }, limit: { type: 'integer' } },
            required: ['city'],
          },
        },
      },
    ];
    const request = { model: 'm', tools, messages: [question] };
    const body = JSON.parse((await readAll(await post(handler, { path: '/v1/chat/completions', body: request }))).text);
    const [call] = body.choices[0].message.tool_calls;
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, null);
    assert.match(call.id, /^call_/);
    assert.equal(call.type, 'function');
    assert.equal(call.function.name, 'find_museums');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Madrid' });

    const events = sseEvents(
      (await readAll(await post(handler, { path: '/v1/chat/completions', body: { ...request, stream: true } }))).text,
    );
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.data));
    assert.equal(chunks[0].choices[0].delta.tool_calls[0].function.name, 'find_museums');
    const args = chunks.map((chunk) => chunk.choices[0].delta.tool_calls?.[0].function.arguments ?? '').join('');
    assert.deepEqual(JSON.parse(args), { city: 'Madrid' });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');

    const toolResult = await post(handler, {
      path: '/v1/chat/completions',
      body: {
        model: 'm',
        tools,
        messages: [
          question,
          { role: 'assistant', content: null, tool_calls: [call] },
          { role: 'tool', tool_call_id: call.id, content: 'Prado' },
        ],
      },
    });
    const final = JSON.parse((await readAll(toolResult)).text);
    assert.equal(final.choices[0].finish_reason, 'stop');
    assert.equal(typeof final.choices[0].message.content, 'string');
  });

  it('answers json_object mode with JSON and rejects it when no message mentions JSON', async () => {
    const handler = createTestHandler();
    const ok = JSON.parse(
      (
        await readAll(
          await post(handler, {
            path: '/v1/chat/completions',
            body: {
              model: 'm',
              response_format: { type: 'json_object' },
              messages: [{ role: 'user', content: 'List museums as JSON' }],
            },
          }),
        )
      ).text,
    );
    assert.equal(typeof JSON.parse(ok.choices[0].message.content), 'object');
    const rejected = await readAll(
      await post(handler, {
        path: '/v1/chat/completions',
        body: { model: 'm', response_format: { type: 'json_object' }, messages: [question] },
      }),
    );
    assert.equal(rejected.status, 400);
    assert.equal(JSON.parse(rejected.text).error.type, 'invalid_request_error');
  });

  it('reports a repeated long prefix as cached_tokens in 128-token steps', async () => {
    const handler = createTestHandler();
    const longSystem = { role: 'system', content: longText(900) };
    const ask = async (content: string) =>
      JSON.parse(
        (
          await readAll(
            await post(handler, {
              path: '/v1/chat/completions',
              body: { model: 'm', messages: [longSystem, { role: 'user', content }] },
            }),
          )
        ).text,
      ).usage;
    const first = await ask('First question about refunds?');
    assert.ok(first.prompt_tokens >= 1024, String(first.prompt_tokens));
    assert.equal(first.prompt_tokens_details.cached_tokens, 0);
    const second = await ask('A different question about shipping?');
    const cached = second.prompt_tokens_details.cached_tokens;
    assert.ok(cached >= 1024 && cached % 128 === 0, String(cached));
    assert.ok(cached <= 3 + encode(longSystem.content).length + 3, 'only the shared prefix is cached');
    assert.ok(second.prompt_tokens - cached < 128 + 20, 'all but the last partial step of the shared prefix is cached');
  });

  it('answers bad requests in the OpenAI error shape without calling the model', async () => {
    const handler = createTestHandler();
    const invalidJson = await readAll(await post(handler, { path: '/v1/chat/completions', body: '{"model": ' }));
    assert.equal(invalidJson.status, 400);
    const error = JSON.parse(invalidJson.text).error;
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type']);
    const missing = JSON.parse(
      (await readAll(await post(handler, { path: '/v1/chat/completions', body: { model: 'm' } }))).text,
    );
    assert.equal(missing.error.param, 'messages');
    const notFound = await readAll(await post(handler, { path: '/v1/nothing', body: {} }));
    assert.equal(notFound.status, 404);
    const wrongMethod = await readAll(
      await handler.handle({ method: 'GET', path: '/v1/chat/completions', headers: {} }),
    );
    assert.equal(wrongMethod.status, 405);
    const strict = createTestHandler({ models: ['sim-small'], rejectUnknownModels: true });
    const unknown = await readAll(
      await post(strict, { path: '/v1/chat/completions', body: { model: 'nope', messages: [question] } }),
    );
    assert.equal(unknown.status, 404);
    assert.equal(JSON.parse(unknown.text).error.code, 'model_not_found');
    const keyed = createTestHandler({ apiKey: 'sk-test' });
    const unauthorised = await post(keyed, {
      path: '/v1/chat/completions',
      body: { model: 'm', messages: [question] },
    });
    assert.equal(unauthorised.status, 401);
    const authorised = await post(keyed, {
      path: '/v1/chat/completions',
      body: { model: 'm', messages: [question] },
      headers: { authorization: 'Bearer sk-test' },
    });
    assert.equal(authorised.status, 200);
  });

  it('serves under a base path', async () => {
    const handler = createTestHandler();
    const response = await post(handler, {
      path: '/openai/v1/chat/completions?x=1',
      body: { model: 'm', messages: [question] },
    });
    assert.equal(response.status, 200);
  });
});

describe('simulated embeddings and models', () => {
  it('returns unit vectors of the requested size, as floats or base64 float32', async () => {
    const handler = createTestHandler({ embeddingDimensions: 64 });
    const input = ['reset my password', 'how do I reset my password'];
    const floats = JSON.parse(
      (await readAll(await post(handler, { path: '/v1/embeddings', body: { model: 'sim-embed', input } }))).text,
    );
    assert.equal(floats.object, 'list');
    assert.equal(floats.model, 'sim-embed');
    assert.equal(floats.data.length, 2);
    assert.equal(floats.data[1].index, 1);
    assert.equal(floats.data[0].object, 'embedding');
    assert.equal(floats.data[0].embedding.length, 64);
    const tokens = input.reduce((sum, text) => sum + encode(text).length, 0);
    assert.deepEqual(floats.usage, { prompt_tokens: tokens, total_tokens: tokens });

    const base64 = JSON.parse(
      (
        await readAll(
          await post(handler, {
            path: '/v1/embeddings',
            body: { model: 'e', input: input[0], encoding_format: 'base64', dimensions: 32 },
          }),
        )
      ).text,
    );
    const bytes = Buffer.from(base64.data[0].embedding, 'base64');
    const vector = Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    assert.equal(vector.length, 32);
    assert.ok(Math.abs(vector.reduce((sum, value) => sum + value * value, 0) - 1) < 1e-5);
  });

  it('lists the configured models in OpenAI or Anthropic shape', async () => {
    const handler = createTestHandler({ models: ['a', 'b'] });
    const openai = JSON.parse(
      (await readAll(await handler.handle({ method: 'GET', path: '/v1/models', headers: {} }))).text,
    );
    assert.deepEqual(
      openai.data.map((model: { id: string; object: string }) => [model.id, model.object]),
      [
        ['a', 'model'],
        ['b', 'model'],
      ],
    );
    const anthropic = JSON.parse(
      (
        await readAll(
          await handler.handle({ method: 'GET', path: '/v1/models', headers: { 'anthropic-version': '2023-06-01' } }),
        )
      ).text,
    );
    assert.equal(anthropic.data[0].type, 'model');
    assert.equal(anthropic.has_more, false);
    assert.equal(anthropic.last_id, 'b');
  });
});
