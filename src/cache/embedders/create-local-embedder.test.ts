import assert from 'node:assert/strict';
import diagnosticsChannel from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { SemanticCache } from '../semantic/semantic-cache.js';
import { createLocalEmbedder } from './create-local-embedder.js';

function cosine(left: Float32Array, right: Float32Array): number {
  let dot = 0;
  for (let index = 0; index < left.length; index++) dot += (left[index] as number) * (right[index] as number);
  return dot;
}

describe('createLocalEmbedder', () => {
  // On this thread, where the test can watch every socket and fetch; the worker runs the same code.
  it('loads the packaged model without touching the network and ranks paraphrases above unrelated text', async () => {
    const sockets: unknown[] = [];
    const onSocket = (socket: unknown) => sockets.push(socket);
    diagnosticsChannel.subscribe('net.client.socket', onSocket);
    const originalFetch = globalThis.fetch;
    globalThis.fetch = () => Promise.reject(new Error('network is off in this test'));
    try {
      const embedder = await createLocalEmbedder({ thread: 'main' });
      assert.equal(embedder.dimensions, 512);
      const [question, paraphrase, unrelated, empty] = await embedder.embed([
        'How do I learn to play the guitar?',
        'What is the best way to learn guitar?',
        'What is the boiling point of mercury?',
        '',
      ]);
      assert.ok(question && paraphrase && unrelated && empty);
      for (const vector of [question, paraphrase, unrelated, empty]) {
        assert.equal(vector.length, 512);
        assert.ok(Math.abs(cosine(vector, vector) - 1) < 1e-4, 'unit length');
      }
      const similar = cosine(question, paraphrase);
      const different = cosine(question, unrelated);
      assert.ok(similar > 0.7, `paraphrase similarity ${similar}`);
      assert.ok(similar - different > 0.3, `paraphrase ${similar} vs unrelated ${different}`);
    } finally {
      globalThis.fetch = originalFetch;
      diagnosticsChannel.unsubscribe('net.client.socket', onSocket);
    }
    assert.equal(sockets.length, 0, 'no outgoing socket was opened');
  });

  // The model must not change with the runtime: cached evaluation embeddings and tuned thresholds
  // rest on these vectors. TensorFlow.js runs the original graph; the ONNX graph is rebuilt from its weights.
  it('computes on ONNX Runtime (the default) the vectors the TensorFlow.js graph gives, batched or alone', async () => {
    const texts = [
      'How do I learn to play the guitar?',
      'What is the boiling point of mercury?',
      'Unknown symbols ☃☃ and emoji 🎸, NFKC ﬁne, café',
      // Past the 128 tokens the graph keeps.
      'Where can I find a good and cheap hotel near the central station? '.repeat(20),
      '',
      'ok',
    ];
    const [onnx, tfjs] = await Promise.all([
      createLocalEmbedder({ thread: 'main' }),
      createLocalEmbedder({ thread: 'main', runtime: 'tfjs-wasm' }),
    ]);
    const reference = await tfjs.embed(texts);
    // One pass for all (padded to the longest) and one pass per text.
    const batched = await onnx.embed(texts);
    const alone = await Promise.all(texts.map(async (text) => (await onnx.embed([text]))[0] as Float32Array));
    for (const vectors of [batched, alone]) {
      for (const [index, vector] of vectors.entries()) {
        const expected = reference[index] as Float32Array;
        assert.ok(1 - cosine(vector, expected) < 1e-6, `text ${index}: cosine ${cosine(vector, expected)}`);
        let largest = 0;
        for (let dimension = 0; dimension < 512; dimension++) {
          largest = Math.max(largest, Math.abs((vector[dimension] as number) - (expected[dimension] as number)));
        }
        assert.ok(largest < 1e-5, `text ${index}: largest difference ${largest}`);
      }
    }
    assert.ok(1 - cosine(alone[3] as Float32Array, alone[0] as Float32Array) > 0.05, 'different texts differ');
  });

  it('gives the vectors recorded from the TensorFlow.js graph (stored expectation)', async () => {
    const fixture = JSON.parse(
      readFileSync(new URL('./__fixtures__/use-lite-reference-vectors.json', import.meta.url), 'utf8'),
    ) as { texts: string[]; vectors: number[][] };
    const vectors = await (await createLocalEmbedder({ thread: 'main' })).embed(fixture.texts);
    for (const [index, vector] of vectors.entries()) {
      const expected = fixture.vectors[index] as number[];
      for (let dimension = 0; dimension < 512; dimension++) {
        const difference = Math.abs((vector[dimension] as number) - (expected[dimension] as number));
        assert.ok(difference < 1e-5, `text ${index}, dimension ${dimension}: off by ${difference}`);
      }
    }
  });

  it('by default embeds on a worker thread: the same vectors, and the event loop keeps turning meanwhile', async () => {
    const texts = ['How do I learn to play the guitar?', 'What is the boiling point of mercury?'];
    const [inWorker, onMain] = await Promise.all([
      createLocalEmbedder().then((embedder) => embedder.embed(texts)),
      createLocalEmbedder({ thread: 'main' }).then((embedder) => embedder.embed(texts)),
    ]);
    for (const [index, vector] of inWorker.entries()) {
      assert.ok(cosine(vector, onMain[index] as Float32Array) > 0.9999, 'same model, same vector');
    }
    const worker = await createLocalEmbedder();
    let turns = 0;
    const timer = setInterval(() => turns++, 1);
    try {
      for (let round = 0; round < 5; round++) await worker.embed([`How do I cook rice, take ${round}?`]);
    } finally {
      clearInterval(timer);
    }
    // On the main thread the model's synchronous WASM passes let no timer fire at all.
    assert.ok(turns > 0, 'timers fired while the worker embedded');
    assert.deepEqual(await worker.embed([]), []);
  });

  // Which rewordings count as the same question is the verifier's call (its own tests); here a
  // re-cased, unpunctuated repeat, which the exact cache would miss.
  it('drives the semantic cache with its defaults: a re-cased repeat hits, a changed detail misses', async () => {
    const cache = new SemanticCache<string>({ embedder: await createLocalEmbedder() });
    const scope = { tenant: 'acme', modelTier: 'fast' };
    await cache.store({ scope, text: 'How can I reset the password of my router?', value: 'Hold reset for 10 s.' });
    const reworded = await cache.lookup({ scope, text: 'how can I reset the password of my router' });
    assert.equal(reworded.hit, true, JSON.stringify({ ...reworded, vector: undefined }));
    const otherDevice = await cache.lookup({ scope, text: 'How can I reset the password of my printer?' });
    assert.equal(otherDevice.hit, false);
  });
});
