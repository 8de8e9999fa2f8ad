import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { createTestHandler, longText, post, readAll, sseEvents } from './test-helpers.js';

const headers = { 'anthropic-version': '2023-06-01' };
const user = { role: 'user', content: 'Summarise the refund policy in two sentences.' };

async function message(handler: ReturnType<typeof createTestHandler>, body: Record<string, unknown>) {
  return readAll(
    await post(handler, {
      path: '/v1/messages',
      headers,
      body: { model: 'claude-sonnet-4-5', max_tokens: 256, ...body },
    }),
  );
}

describe('simulated Anthropic messages', () => {
  it('answers in the exact message shape with tokenizer-true usage', async () => {
    const handler = createTestHandler();
    const response = await message(handler, { system: 'Be brief.', messages: [user] });
    assert.equal(response.status, 200);
    assert.match(response.headers['request-id'] ?? '', /^req_011C/);
    const body = JSON.parse(response.text);
    assert.match(body.id, /^msg_01/);
    assert.equal(body.type, 'message');
    assert.equal(body.role, 'assistant');
    assert.equal(body.model, 'claude-sonnet-4-5');
    assert.equal(body.stop_reason, 'end_turn');
    assert.equal(body.stop_sequence, null);
    assert.equal(body.content.length, 1);
    assert.equal(body.content[0].type, 'text');
    assert.equal(body.usage.input_tokens, 3 + encode('Be brief.').length + 3 + encode(user.content).length + 3);
    assert.equal(body.usage.output_tokens, encode(body.content[0].text).length);
    assert.equal(body.usage.cache_read_input_tokens, 0);
    assert.equal(body.usage.cache_creation_input_tokens, 0);
  });

  it('streams message_start, content_block_start, ping, deltas, content_block_stop, message_delta, message_stop', async () => {
    const handler = createTestHandler();
    const plain = JSON.parse((await message(handler, { messages: [user] })).text);
    const streamed = await message(handler, { messages: [user], stream: true });
    const events = sseEvents(streamed.text);
    const names = events.map((event) => event.event);
    assert.deepEqual(names.slice(0, 3), ['message_start', 'content_block_start', 'ping']);
    assert.deepEqual(names.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
    const deltas = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => JSON.parse(event.data));
    assert.ok(deltas.length >= 3, 'several deltas');
    for (const event of events) assert.equal(JSON.parse(event.data).type, event.event);
    assert.equal(deltas.map((delta) => delta.delta.text).join(''), plain.content[0].text);
    const start = JSON.parse(events[0]?.data ?? '{}');
    assert.equal(start.message.usage.input_tokens, plain.usage.input_tokens);
    const final = JSON.parse(events.at(-2)?.data ?? '{}');
    assert.equal(final.delta.stop_reason, 'end_turn');
    assert.equal(final.usage.output_tokens, plain.usage.output_tokens);
  });

  it('stops at max_tokens and at stop sequences with the matching stop reasons', async () => {
    const handler = createTestHandler();
    const capped = JSON.parse((await message(handler, { max_tokens: 3, messages: [user] })).text);
    assert.equal(capped.stop_reason, 'max_tokens');
    assert.equal(capped.usage.output_tokens, 3);
    const stopped = JSON.parse((await message(handler, { stop_sequences: ['.'], messages: [user] })).text);
    assert.equal(stopped.stop_reason, 'stop_sequence');
    assert.equal(stopped.stop_sequence, '.');
  });

  it('calls a tool with a tool_use block, streamed as input_json_delta', async () => {
    const handler = createTestHandler();
    const tools = [
      {
        name: 'get_policy',
        description: 'Fetch a policy document by name',
        input_schema: {
          type: 'object',
          properties: { name: { type: 'string', enum: ['refund', 'shipping'] } },
          required: ['name'],
        },
      },
    ];
    const body = JSON.parse((await message(handler, { tools, messages: [user] })).text);
    assert.equal(body.stop_reason, 'tool_use');
    assert.equal(body.content[0].type, 'tool_use');
    assert.match(body.content[0].id, /^toolu_01/);
    assert.ok(['refund', 'shipping'].includes(body.content[0].input.name));
    const events = sseEvents((await message(handler, { tools, messages: [user], stream: true })).text);
    const start = JSON.parse(events[1]?.data ?? '{}');
    assert.equal(start.content_block.type, 'tool_use');
    const json = events
      .filter((event) => event.event === 'content_block_delta')
      .map((event) => JSON.parse(event.data).delta.partial_json)
      .join('');
    assert.deepEqual(JSON.parse(json), body.content[0].input);
    const afterResult = JSON.parse(
      (
        await message(handler, {
          tools,
          messages: [
            user,
            { role: 'assistant', content: [body.content[0]] },
            {
              role: 'user',
              content: [{ type: 'tool_result', tool_use_id: body.content[0].id, content: 'Refunds within 30 days.' }],
            },
          ],
        })
      ).text,
    );
    assert.equal(afterResult.stop_reason, 'end_turn');
  });

  it('writes a cache_control prefix once, then reads it, and counts the rest as input', async () => {
    let clock = 1_000_000;
    const handler = createTestHandler({ now: () => clock });
    const system = [{ type: 'text', text: longText(900), cache_control: { type: 'ephemeral' } }];
    const first = JSON.parse((await message(handler, { system, messages: [user] })).text).usage;
    const prefix = 3 + encode(system[0]?.text ?? '').length;
    assert.equal(first.cache_creation_input_tokens, prefix);
    assert.equal(first.cache_read_input_tokens, 0);
    assert.deepEqual(first.cache_creation, { ephemeral_5m_input_tokens: prefix, ephemeral_1h_input_tokens: 0 });
    assert.equal(first.input_tokens, 3 + encode(user.content).length + 3);

    clock += 60_000;
    const second = JSON.parse(
      (await message(handler, { system, messages: [{ role: 'user', content: 'Another question?' }] })).text,
    ).usage;
    assert.equal(second.cache_read_input_tokens, prefix);
    assert.equal(second.cache_creation_input_tokens, 0);

    clock += 6 * 60_000;
    const expired = JSON.parse((await message(handler, { system, messages: [user] })).text).usage;
    assert.equal(expired.cache_read_input_tokens, 0, 'the 5-minute entry has expired');
    assert.equal(expired.cache_creation_input_tokens, prefix);
  });

  it('keeps a 1h breakpoint for an hour and reports it as a 1h write', async () => {
    let clock = 0;
    const handler = createTestHandler({ now: () => clock });
    const system = [{ type: 'text', text: longText(900), cache_control: { type: 'ephemeral', ttl: '1h' } }];
    const first = JSON.parse((await message(handler, { system, messages: [user] })).text).usage;
    assert.equal(first.cache_creation.ephemeral_1h_input_tokens, first.cache_creation_input_tokens);
    clock += 30 * 60_000;
    const later = JSON.parse((await message(handler, { system, messages: [user] })).text).usage;
    assert.equal(later.cache_read_input_tokens, first.cache_creation_input_tokens);
  });

  it('does not cache a prefix shorter than the model minimum', async () => {
    const handler = createTestHandler();
    const system = [{ type: 'text', text: 'Short system prompt.', cache_control: { type: 'ephemeral' } }];
    await message(handler, { system, messages: [user] });
    const usage = JSON.parse((await message(handler, { system, messages: [user] })).text).usage;
    assert.equal(usage.cache_read_input_tokens, 0);
    assert.equal(usage.cache_creation_input_tokens, 0);
  });

  it('answers bad requests in the Anthropic error shape', async () => {
    const handler = createTestHandler();
    const missing = await readAll(
      await post(handler, { path: '/v1/messages', headers, body: { model: 'c', messages: [user] } }),
    );
    assert.equal(missing.status, 400);
    const error = JSON.parse(missing.text);
    assert.equal(error.type, 'error');
    assert.equal(error.error.type, 'invalid_request_error');
    assert.match(error.error.message, /max_tokens/);
    const block = { type: 'text', text: 'x', cache_control: { type: 'ephemeral' } };
    const tooMany = await message(handler, {
      messages: [{ role: 'user', content: [block, block, block, block, block] }],
    });
    assert.equal(tooMany.status, 400);
    assert.match(JSON.parse(tooMany.text).error.message, /maximum of 4 blocks/);
  });
});

describe('simulated Anthropic count_tokens', () => {
  it('counts the input tokens a message would bill, without max_tokens', async () => {
    const handler = createTestHandler();
    const counted = await readAll(
      await post(handler, {
        path: '/v1/messages/count_tokens',
        headers,
        body: { model: 'claude-sonnet-4-5', messages: [user] },
      }),
    );
    assert.equal(counted.status, 200);
    const created = JSON.parse((await message(handler, { messages: [user] })).text);
    assert.deepEqual(JSON.parse(counted.text), { input_tokens: created.usage.input_tokens });
  });
});
