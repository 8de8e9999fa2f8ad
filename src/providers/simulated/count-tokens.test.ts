import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { countTextTokens, encodeText, truncateToTokens } from './count-tokens.js';

describe('countTextTokens', () => {
  it('counts with o200k_base, long memoised texts included, and treats special tokens as text', () => {
    const long = 'Refunds are issued within thirty days of purchase. '.repeat(40);
    assert.equal(countTextTokens(long), encode(long).length);
    assert.equal(countTextTokens(long), encode(long).length, 'memoised the second time');
    assert.ok(countTextTokens('<|endoftext|>') > 1);
    assert.deepEqual([...encodeText('hello world')], encode('hello world'));
  });

  it('truncates to a token count', () => {
    const text = 'one two three four five six';
    assert.equal(encode(truncateToTokens(text, 3)).length, 3);
    assert.equal(truncateToTokens(text, 100), text);
  });
});
