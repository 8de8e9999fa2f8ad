import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../support/start-test-gateway.js';

describe('the official openai client against the embedded default (simulated provider)', () => {
  let harness: TestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startTestGateway();
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('lists auto, the tiers and the simulated models, labelled as simulated', async () => {
    const models = await client.models.list();
    const ids = models.data.map((model) => model.id);
    for (const id of ['auto', 'fast', 'balanced', 'premium', 'simulated/sim-small']) assert.ok(ids.includes(id), id);
    const simulated = models.data.find((model) => model.id === 'simulated/sim-small');
    assert.equal(simulated?.owned_by, 'tollgate-simulated');
  });

  it('answers a chat completion with usage, cost and the gateway headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'fast', messages: [{ role: 'user', content: 'Say hello to the new user.' }] })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.ok((data.choices[0]?.message.content ?? '').length > 0);
    assert.equal(data.choices[0]?.finish_reason, 'stop');
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
    assert.ok((data.usage?.completion_tokens ?? 0) > 0);
    assert.equal(response.headers.get('x-tollgate-provider'), 'simulated');
    assert.equal(response.headers.get('x-tollgate-model'), 'sim-small');
    assert.equal(response.headers.get('x-tollgate-simulated'), 'true');
    assert.equal(response.headers.get('x-tollgate-attempts'), '1');
    assert.match(response.headers.get('x-tollgate-request-id') ?? '', /^[0-9a-f-]{36}$/);
    assert.match(response.headers.get('x-tollgate-route') ?? '', /^tier: tier fast/);
    const cost = Number(response.headers.get('x-tollgate-cost-usd'));
    assert.ok(cost > 0 && cost < 0.01, `cost ${cost}`);
    assert.ok(Number(response.headers.get('x-tollgate-overhead-ms')) >= 0);
  });

  it('routes model "auto" by complexity and says why in x-tollgate-route', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: 'Thanks!' }] })
      .withResponse();
    assert.ok((data.choices[0]?.message.content ?? '').length > 0);
    assert.match(response.headers.get('x-tollgate-route') ?? '', /^complexity: complexity 0\.\d+.* -> fast/);
    assert.equal(response.headers.get('x-tollgate-model'), 'sim-small');
  });

  it('streams with include_usage: text deltas, then a usage chunk carrying the cost', async () => {
    const stream = await client.chat.completions.create({
      model: 'balanced',
      messages: [{ role: 'user', content: 'Write two sentences about tolls.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: (OpenAI.CompletionUsage & { cost_usd?: number }) | undefined | null;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.ok(text.length > 0);
    assert.equal(finish, 'stop');
    assert.ok(usage && usage.completion_tokens > 0);
    assert.ok(typeof usage?.cost_usd === 'number' && usage.cost_usd > 0);
  });

  it('calls tools and takes the result back', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      },
    ];
    const first = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'What is the weather in Oslo?' }],
      tools,
    });
    const call = first.choices[0]?.message.tool_calls?.[0];
    assert.equal(first.choices[0]?.finish_reason, 'tool_calls');
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.equal(typeof JSON.parse(call.function.arguments).city, 'string');
    const second = await client.chat.completions.create({
      model: 'fast',
      messages: [
        { role: 'user', content: 'What is the weather in Oslo?' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 3}' },
      ],
      tools,
    });
    assert.ok((second.choices[0]?.message.content ?? '').length > 0);
  });

  it('returns parseable JSON for response_format json_object', async () => {
    const answer = await client.chat.completions.create({
      model: 'fast',
      messages: [{ role: 'user', content: 'Give me a JSON object describing a cat.' }],
      response_format: { type: 'json_object' },
    });
    const parsed = JSON.parse(answer.choices[0]?.message.content ?? '');
    assert.equal(typeof parsed, 'object');
  });

  it('embeds texts', async () => {
    const result = await client.embeddings.create({ model: 'sim-embed', input: ['first text', 'second text'] });
    assert.equal(result.data.length, 2);
    assert.ok((result.data[0]?.embedding.length ?? 0) > 10);
    assert.ok(result.usage.prompt_tokens > 0);
  });

  it('rejects an unknown model with a 404 in the OpenAI error shape, naming what exists', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-nonexistent', messages: [{ role: 'user', content: 'hi' }] }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.NotFoundError);
        assert.match(error.message, /gpt-nonexistent/);
        assert.match(error.message, /auto/);
        return true;
      },
    );
  });

  it('rejects wrong types with a 400 naming the parameter', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'fast',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 'hot' as unknown as number,
      }),
      (error: unknown) => {
        assert.ok(error instanceof OpenAI.BadRequestError);
        assert.match(error.message, /temperature/);
        return true;
      },
    );
  });
});
