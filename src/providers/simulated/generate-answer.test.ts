import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { generateAnswer } from './generate-answer.js';
import { type SimulatedPrompt, tokenizePrompt } from './simulated-prompt.js';

function prompt(fields: Partial<SimulatedPrompt> & { question?: string } = {}): SimulatedPrompt {
  const { question = 'How should I plan a trip to Lisbon in spring?', ...rest } = fields;
  return {
    model: 'sim-small',
    messages: [{ role: 'user', blocks: [{ text: question }] }],
    tools: [],
    toolChoice: { type: 'auto' },
    responseFormat: { type: 'text' },
    maxOutputTokens: undefined,
    stopSequences: [],
    seed: undefined,
    ...rest,
  };
}

function answer(input: SimulatedPrompt, outputTokens = 60) {
  return generateAnswer({ prompt: input, tokens: tokenizePrompt(input), outputTokens });
}

describe('generateAnswer', () => {
  it('gives the same answer to the same request and different answers to different ones', () => {
    const first = answer(prompt());
    assert.deepEqual(answer(prompt()), first);
    assert.notDeepEqual(answer(prompt({ question: 'What is the capital of Norway?' })), first);
    assert.notDeepEqual(answer(prompt({ model: 'sim-large' })), first);
  });

  it('reports exactly as many output tokens as o200k_base counts, for many prompts', () => {
    for (let index = 0; index < 200; index++) {
      const result = answer(prompt({ question: `Question number ${index}: explain caching for Dublin and Oslo.` }));
      assert.equal(result.kind, 'text');
      if (result.kind !== 'text') continue;
      assert.equal(result.outputTokens, encode(result.text).length, result.text);
      assert.equal(result.finish, 'stop');
      assert.match(result.text, /^[A-Z].*\.$/);
    }
  });

  it('varies the length around the configured output tokens and stops at max tokens with finish length', () => {
    const lengths = Array.from(
      { length: 50 },
      (_, index) => answer(prompt({ question: `Topic ${index}` }), 100).outputTokens,
    );
    assert.ok(Math.min(...lengths) >= 55 && Math.max(...lengths) <= 160, String(lengths));
    assert.ok(new Set(lengths).size > 10, 'lengths vary by prompt');
    const capped = answer(prompt({ maxOutputTokens: 7 }), 100);
    assert.equal(capped.outputTokens, 7);
    assert.equal(capped.finish, 'length');
    assert.equal(capped.kind === 'text' ? encode(capped.text).length : -1, 7);
  });

  it('cuts a long answer at max tokens to exactly the beginning of the answer it would have given', () => {
    for (const limit of [1, 13, 140]) {
      const full = answer(prompt({ question: `Limit ${limit}` }), 3_000);
      const cut = answer(prompt({ question: `Limit ${limit}`, maxOutputTokens: limit }), 3_000);
      assert.equal(full.kind === 'text' && full.finish, 'stop');
      assert.equal(cut.kind === 'text' && cut.finish, 'length');
      const fullText = full.kind === 'text' ? full.text : '';
      const cutText = cut.kind === 'text' ? cut.text : '';
      assert.equal(cut.outputTokens, limit);
      assert.ok(fullText.startsWith(cutText) && cutText.length > 0, cutText);
      assert.equal(encode(cutText).length, limit);
    }
  });

  it('draws words from the question, keeping proper nouns capitalised', () => {
    const texts = Array.from({ length: 10 }, (_, seed) => answer(prompt({ seed }), 200)).map((result) =>
      result.kind === 'text' ? result.text : '',
    );
    assert.ok(
      texts.some((text) => text.includes(' Lisbon')),
      texts.join('\n'),
    );
  });

  it('answers JSON mode with a parseable JSON object', () => {
    const result = answer(prompt({ responseFormat: { type: 'json' } }));
    assert.equal(result.kind, 'text');
    const parsed = JSON.parse(result.kind === 'text' ? result.text : '');
    assert.equal(typeof parsed.answer, 'string');
    assert.equal(result.outputTokens, encode(result.kind === 'text' ? result.text : '').length);
  });

  it('answers a JSON schema with a value of that shape', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        days: { type: 'integer', minimum: 2, maximum: 5 },
        budget: { type: 'number' },
        tags: { type: 'array', items: { type: 'string' } },
        season: { type: 'string', enum: ['spring', 'summer'] },
        flexible: { type: 'boolean' },
      },
      required: ['city', 'days', 'budget', 'tags', 'season', 'flexible'],
      additionalProperties: false,
    };
    const result = answer(prompt({ responseFormat: { type: 'json_schema', schema } }));
    const parsed = JSON.parse(result.kind === 'text' ? result.text : '');
    assert.equal(parsed.city, 'Lisbon');
    assert.ok(Number.isInteger(parsed.days) && parsed.days >= 2 && parsed.days <= 5);
    assert.equal(typeof parsed.budget, 'number');
    assert.ok(Array.isArray(parsed.tags) && parsed.tags.every((tag: unknown) => typeof tag === 'string'));
    assert.ok(['spring', 'summer'].includes(parsed.season));
    assert.equal(typeof parsed.flexible, 'boolean');
  });

  it('calls the most relevant tool with arguments holding its required properties', () => {
    const tools = [
      {
        name: 'get_time',
        description: 'Current time in a timezone',
        parameters: { type: 'object', properties: { zone: { type: 'string' } } },
      },
      {
        name: 'search_flights',
        description: 'Search flights to a destination city',
        parameters: {
          type: 'object',
          properties: { destination: { type: 'string' }, passengers: { type: 'integer' }, note: { type: 'string' } },
          required: ['destination', 'passengers'],
        },
      },
    ];
    const result = answer(prompt({ question: 'Find flights to Lisbon for two', tools }));
    assert.equal(result.kind, 'tool-call');
    if (result.kind !== 'tool-call') return;
    assert.equal(result.finish, 'tool_calls');
    assert.equal(result.toolCall.name, 'search_flights');
    const args = JSON.parse(result.toolCall.arguments);
    assert.deepEqual(Object.keys(args).sort(), ['destination', 'passengers']);
    assert.equal(args.destination, 'Lisbon');
    assert.ok(Number.isInteger(args.passengers));
  });

  it('answers in words when tool_choice is none or the last message is a tool result', () => {
    const tools = [{ name: 'lookup', description: 'Look up a fact', parameters: { type: 'object', properties: {} } }];
    assert.equal(answer(prompt({ tools, toolChoice: { type: 'none' } })).kind, 'text');
    const afterResult = prompt({ tools });
    afterResult.messages.push(
      { role: 'assistant', blocks: [{ text: 'lookup({})' }] },
      { role: 'tool', blocks: [{ text: 'sunny' }] },
    );
    assert.equal(answer(afterResult).kind, 'text');
    const forced = prompt({ tools, toolChoice: { type: 'tool', name: 'lookup' } });
    forced.messages.push({ role: 'tool', blocks: [{ text: 'sunny' }] });
    assert.equal(answer(forced).kind, 'tool-call');
  });

  it('stops at the earliest stop sequence', () => {
    const full = answer(prompt());
    const text = full.kind === 'text' ? full.text : '';
    const stopped = answer(prompt({ stopSequences: ['zzz', '.'] }));
    assert.equal(stopped.kind, 'text');
    if (stopped.kind !== 'text') return;
    assert.equal(stopped.finish, 'stop_sequence');
    assert.equal(stopped.stopSequence, '.');
    assert.equal(stopped.text, text.slice(0, text.indexOf('.')));
    assert.equal(stopped.outputTokens, encode(stopped.text).length);
  });
});
