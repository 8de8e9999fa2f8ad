import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GatewayError, type StreamPart } from '../../spec/index.js';
import { createProviderStream, type StreamEventReducer } from './create-provider-stream.js';

/** A body that yields the pieces and records whether it was closed before its end. */
function body(pieces: string[], options: { failAfter?: number } = {}) {
  const state = { closedEarly: false, ended: false };
  const iterable = (async function* () {
    let index = 0;
    try {
      for (const piece of pieces) {
        if (options.failAfter === index) throw new Error('socket hang up');
        index += 1;
        yield new TextEncoder().encode(piece);
      }
      state.ended = true;
    } finally {
      if (!state.ended) state.closedEarly = true;
    }
  })();
  return { iterable, state };
}

/** `data: text` → a text delta; `data: finish` → a finish; `data: boom` → throws. */
const reducer: StreamEventReducer = {
  onEvent(event) {
    if (event.data === 'boom') throw new GatewayError({ code: 'upstream_malformed', message: 'bad event' });
    if (event.data === 'finish') return [{ type: 'finish', finishReason: 'stop' }];
    return [{ type: 'text-delta', text: event.data }];
  },
};

async function collect(stream: AsyncIterable<StreamPart>): Promise<string[]> {
  const seen: string[] = [];
  for await (const part of stream) {
    if (part.type === 'text-delta') seen.push(part.text);
    else if (part.type === 'error') seen.push(`error:${part.error.code}`);
    else seen.push(part.type);
  }
  return seen;
}

describe('createProviderStream', () => {
  it('hands out parts in order across split events, ends at finish and reads the body to its end', async () => {
    const { iterable, state } = body(['data: a\n\nda', 'ta: b\n\ndata: finish\n\ndata: late\n\n', 'data: later\n\n']);
    assert.deepEqual(await collect(createProviderStream({ body: iterable, reducer, endpoint: 'p/m' })), [
      'a',
      'b',
      'finish',
    ]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(state.ended, true);
  });

  it('cuts a body that keeps going after the finish', async () => {
    const { iterable, state } = body(['data: finish\n\n', ...Array.from({ length: 20 }, () => 'data: more\n\n')]);
    assert.deepEqual(await collect(createProviderStream({ body: iterable, reducer, endpoint: 'p/m' })), ['finish']);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(state.closedEarly, true);
  });

  it('turns a body that ends before a finish into one stream_cut error, never a clean end', async () => {
    const { iterable } = body(['data: a\n\n', 'data: b']);
    assert.deepEqual(await collect(createProviderStream({ body: iterable, reducer, endpoint: 'p/m' })), [
      'a',
      'b',
      'error:stream_cut',
    ]);
  });

  it('ends with one error part when the reducer throws, keeping the parts before it', async () => {
    const { iterable, state } = body(['data: a\n\ndata: boom\n\ndata: c\n\n', 'data: finish\n\n']);
    assert.deepEqual(await collect(createProviderStream({ body: iterable, reducer, endpoint: 'p/m' })), [
      'a',
      'error:upstream_malformed',
    ]);
    assert.equal(state.closedEarly, true);
  });

  it('ends with one error part when the body fails', async () => {
    const { iterable } = body(['data: a\n\n', 'data: b\n\n'], { failAfter: 1 });
    const parts = await collect(createProviderStream({ body: iterable, reducer, endpoint: 'p/m' }));
    assert.equal(parts.length, 2);
    assert.equal(parts[0], 'a');
    assert.match(parts[1] ?? '', /^error:/);
  });

  it('closes the body when the consumer stops early', async () => {
    const { iterable, state } = body(['data: a\n\n', 'data: b\n\n', 'data: finish\n\n']);
    const iterator = createProviderStream({ body: iterable, reducer, endpoint: 'p/m' })[Symbol.asyncIterator]();
    assert.deepEqual(await iterator.next(), { done: false, value: { type: 'text-delta', text: 'a' } });
    await iterator.return?.();
    assert.equal(state.closedEarly, true);
    assert.deepEqual(await iterator.next(), { done: true, value: undefined });
  });
});
