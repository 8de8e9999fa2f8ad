import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { readUseLiteWeights } from './read-use-lite-weights.js';
import { UseLiteTokenizer } from './use-lite-tokenizer.js';

// Texts that reach the tokenizer's corners: unknown symbols (alone, in runs, astral ones whose UTF-16
// length differs from their symbol count), NFKC folding, runs of spaces, and a long text.
const TEXTS = [
  'How do I learn to play the guitar?',
  'what is the best way to learn guitar',
  '  leading and trailing spaces  ',
  'multiple   spaces\tand a tab',
  'Unknown symbols: ☃☃☃ ⌘ and ✓',
  'Emoji 🎸🎸 and astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 letters',
  'NFKC: ﬁne ﬂour, ①②③, full-width ＡＢＣ',
  '日本語のテキストと中文文本',
  'naïve café résumé Zürich',
  'x'.repeat(500),
  'The quick brown fox jumps over the lazy dog. '.repeat(40),
  ' ',
  '',
];

describe('UseLiteTokenizer', () => {
  it('gives the token ids of the tokenizer @energetic-ai/embeddings runs, quirks included', async () => {
    const { vocabulary } = await readUseLiteWeights();
    const ours = new UseLiteTokenizer(vocabulary);
    // The reference: the same vocabulary in the package's own model class (no graph needed to tokenise).
    const reference = new EmbeddingsModel({ vocabulary, model: undefined as never }).tokenizer;
    for (const text of TEXTS) {
      assert.deepEqual(ours.encode(text), reference.encode(text), JSON.stringify(text.slice(0, 60)));
    }
    assert.ok(ours.encode(TEXTS[4] as string).includes(0), 'an unknown symbol maps to id 0');
    assert.deepEqual(ours.encode(''), []);
  });

  it('tokenises a long text in linear time', async () => {
    const { vocabulary } = await readUseLiteWeights();
    const tokenizer = new UseLiteTokenizer(vocabulary);
    const started = performance.now();
    const tokens = tokenizer.encode('Where can I find a good and cheap hotel near the station? '.repeat(400));
    assert.ok(tokens.length > 4000);
    // The original copied the rest of the text at every position: ~270M array slots for this one.
    assert.ok(performance.now() - started < 2000, `took ${performance.now() - started} ms`);
  });
});
