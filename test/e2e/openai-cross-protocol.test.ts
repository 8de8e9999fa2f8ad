import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

describe('the openai client served by an Anthropic-protocol provider', () => {
  let harness: TestGateway;
  let client: OpenAI;
  before(async () => {
    harness = await startTestGateway({ config: twoProtocolConfig() });
    client = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  it('answers, translating usage and finish reason', async () => {
    const answer = await client.chat.completions.create({
      model: 'premium',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is a toll?' },
      ],
      max_tokens: 50,
    });
    assert.ok((answer.choices[0]?.message.content ?? '').length > 0);
    assert.ok(['stop', 'length'].includes(answer.choices[0]?.finish_reason ?? ''));
    assert.ok((answer.usage?.prompt_tokens ?? 0) > 0);
  });

  it('streams tool calls translated from Anthropic tool_use', async () => {
    const stream = await client.chat.completions.create({
      model: 'premium',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [
        {
          type: 'function',
          function: {
            name: 'weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      stream: true,
    });
    let name = '';
    let args = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      if (call?.function?.name) name += call.function.name;
      if (call?.function?.arguments) args += call.function.arguments;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'weather');
    assert.equal(typeof JSON.parse(args).city, 'string');
    assert.equal(finish, 'tool_calls');
  });

  it('warns in a header when a parameter cannot be honoured', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'premium', messages: [{ role: 'user', content: 'hi' }], max_tokens: 20, seed: 7 })
      .withResponse();
    assert.match(response.headers.get('x-tollgate-warning') ?? '', /seed/);
  });
});
