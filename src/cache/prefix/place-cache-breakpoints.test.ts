import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { convertRequest } from '../../providers/anthropic/convert-request.js';
import type { ChatRequest, Message } from '../../spec/index.js';
import { applyPrefixCaching } from './apply-prefix-caching.js';
import { placeCacheBreakpoints } from './place-cache-breakpoints.js';

const DELIMITER = '---CACHE_BREAK---';
const system = (...texts: string[]): Message => ({
  role: 'system',
  content: texts.map((text) => ({ type: 'text', text })),
});
const user = (text: string): Message => ({ role: 'user', content: [{ type: 'text', text }] });
const assistant = (text: string): Message => ({ role: 'assistant', content: [{ type: 'text', text }] });
const chat = (messages: Message[]): ChatRequest => ({ model: 'premium', stream: false, messages });
const place = (
  request: ChatRequest,
  extra: { conversation?: boolean; ttl?: '5m' | '1h'; warn?: (m: string) => void } = {},
) => placeCacheBreakpoints({ request, delimiter: DELIMITER, ttl: extra.ttl ?? '5m', ...extra });

function anthropicBody(request: ChatRequest) {
  return convertRequest({ request, upstreamModel: 'claude-sonnet-4-6', stream: false, warn: () => {} }).body;
}

describe('placeCacheBreakpoints', () => {
  it('splits the system prompt at the delimiter, removes it and marks the stable part', () => {
    const request = chat([
      system(`You are the support agent of Acme.\nPolicies: ...\n${DELIMITER}\nToday is Monday.`),
      user('Hi'),
    ]);
    const placed = place(request);
    assert.deepEqual(placed.messages[0], {
      role: 'system',
      content: [
        {
          type: 'text',
          text: 'You are the support agent of Acme.\nPolicies: ...\n',
          cacheControl: { type: 'ephemeral' },
        },
        { type: 'text', text: '\nToday is Monday.' },
      ],
    });
    assert.ok(
      request.messages[0]?.content[0] && !('cacheControl' in request.messages[0].content[0]),
      'input untouched',
    );
    // What actually goes to Anthropic: the stable block carries cache_control, the delimiter is gone.
    const body = anthropicBody(placed);
    assert.deepEqual(body.system, [
      {
        type: 'text',
        text: 'You are the support agent of Acme.\nPolicies: ...\n',
        cache_control: { type: 'ephemeral' },
      },
      { type: 'text', text: '\nToday is Monday.' },
    ]);
    assert.ok(!JSON.stringify(body).includes(DELIMITER));
  });

  it('honours a delimiter in the first user message (and a 1h ttl), not in later ones', () => {
    const placed = place(
      chat([
        user(`Here is the contract:\n<long text>${DELIMITER}Question: who signs?`),
        assistant('The buyer.'),
        user(`And when?${DELIMITER}`),
      ]),
      { ttl: '1h' },
    );
    const body = anthropicBody(placed);
    assert.deepEqual(body.messages[0]?.content, [
      { type: 'text', text: 'Here is the contract:\n<long text>', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'Question: who signs?' },
    ]);
    assert.deepEqual(body.messages[2]?.content, [{ type: 'text', text: `And when?${DELIMITER}` }]);
  });

  it('without a delimiter marks the end of the system prompt (its last text part)', () => {
    const placed = place(chat([system('You are terse.', 'Answer in French.'), user('Hello')]));
    assert.deepEqual(anthropicBody(placed).system, [
      { type: 'text', text: 'You are terse.' },
      { type: 'text', text: 'Answer in French.', cache_control: { type: 'ephemeral' } },
    ]);
    const bare = chat([user('Hello')]);
    assert.equal(place(bare), bare, 'nothing to cache: the same request back');
  });

  it('marks the newest user turn of a conversation when asked', () => {
    const request = chat([system('You are terse.'), user('Hi'), assistant('Hello.'), user('What is 2+2?')]);
    const body = anthropicBody(place(request, { conversation: true }));
    assert.deepEqual(body.system, [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }]);
    assert.deepEqual(body.messages.at(-1), {
      role: 'user',
      content: [{ type: 'text', text: 'What is 2+2?', cache_control: { type: 'ephemeral' } }],
    });
    // A single turn has no history to read back next time.
    const single = anthropicBody(place(chat([system('You are terse.'), user('Hi')]), { conversation: true }));
    assert.deepEqual(single.messages, [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
  });

  it('never exceeds four breakpoints, keeps the client’s own, and warns about delimiters left without one', () => {
    const own = { type: 'ephemeral', ttl: '1h' } as const;
    const request = chat([
      {
        role: 'system',
        content: [
          { type: 'text', text: 'Tools manual.', cacheControl: own },
          { type: 'text', text: `A${DELIMITER}B${DELIMITER}C${DELIMITER}D${DELIMITER}E` },
        ],
      },
      user('first'),
      assistant('reply'),
      user('second'),
    ]);
    const warnings: string[] = [];
    const placed = place(request, { conversation: true, warn: (message) => warnings.push(message) });
    const body = anthropicBody(placed);
    const marked = JSON.stringify(body).match(/cache_control/g)?.length;
    assert.equal(marked, 4);
    assert.deepEqual(body.system, [
      { type: 'text', text: 'Tools manual.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      { type: 'text', text: 'A', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'B', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: 'C' },
      { type: 'text', text: 'D' },
      { type: 'text', text: 'E' },
    ]);
    assert.deepEqual(body.messages.at(-1)?.content, [
      { type: 'text', text: 'second', cache_control: { type: 'ephemeral' } },
    ]);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /2 cache delimiter/);
  });

  it('marks the part before a delimiter that opens a text, and leaves a client that used all four alone', () => {
    const placed = place(chat([system('Stable instructions.'), user(`${DELIMITER}What now?`)]));
    const body = anthropicBody(placed);
    assert.deepEqual(body.system, [
      { type: 'text', text: 'Stable instructions.', cache_control: { type: 'ephemeral' } },
    ]);
    assert.deepEqual(body.messages[0]?.content, [{ type: 'text', text: 'What now?' }]);

    const full = chat([
      {
        role: 'system',
        content: ['a', 'b', 'c', 'd'].map((text) => ({
          type: 'text' as const,
          text,
          cacheControl: { type: 'ephemeral' as const },
        })),
      },
      user('q'),
    ]);
    assert.equal(place(full), full);
  });
});

describe('applyPrefixCaching', () => {
  const settings = { enabled: true, delimiter: DELIMITER, ttl: '5m', conversation: false } as const;
  const request = chat([system(`Stable.${DELIMITER}Dynamic.`), user('Hi')]);

  it('places breakpoints for Anthropic and only strips the delimiter for other protocols', () => {
    const anthropic = applyPrefixCaching({ request, protocol: 'anthropic', settings });
    assert.deepEqual(anthropic.messages[0]?.content, [
      { type: 'text', text: 'Stable.', cacheControl: { type: 'ephemeral' } },
      { type: 'text', text: 'Dynamic.' },
    ]);
    const openai = applyPrefixCaching({ request, protocol: 'openai', settings });
    assert.deepEqual(openai.messages[0]?.content, [
      { type: 'text', text: 'Stable.' },
      { type: 'text', text: 'Dynamic.' },
    ]);
  });

  it('passes the request untouched when prefix caching is disabled', () => {
    assert.equal(
      applyPrefixCaching({ request, protocol: 'anthropic', settings: { ...settings, enabled: false } }),
      request,
    );
  });
});
