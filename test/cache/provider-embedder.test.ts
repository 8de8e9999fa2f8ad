import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

describe('semantic cache over a provider embeddings deployment instead of the local model', () => {
  let harness: TestGateway;
  let openai: OpenAI;

  before(async () => {
    // The gateway builds the embedder itself from the configuration: no cache layer handed in.
    harness = await startTestGateway({
      config: twoProtocolConfig({
        cache: {
          enabled: true,
          semantic: { enabled: true, embedder: 'provider:sim-openai/oa-embed', embedding_dimensions: 256 },
        },
      }),
    });
    openai = new OpenAI({ baseURL: `${harness.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  const ask = async (question: string) => {
    const { response } = await openai.chat.completions
      .create({ model: 'fast', temperature: 0, messages: [{ role: 'user', content: question }] })
      .withResponse();
    return response.headers.get('x-tollgate-cache');
  };

  it('embeds through the configured deployment and serves a rewording from the semantic cache', async () => {
    assert.equal(await ask('How do I reset the password of my home router?'), 'miss');
    let status: string | null = 'miss';
    // The answer is stored after the response has gone out; poll briefly rather than sleep blindly.
    for (let attempt = 0; attempt < 50 && status !== 'hit-semantic'; attempt++) {
      status = await ask('how do I reset the password of my home router');
      if (status !== 'hit-semantic') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(status, 'hit-semantic');
    assert.equal(await ask('How do I reset the password of my office printer?'), 'miss');
  });

  /** Starting a gateway whose semantic cache embeds through `embedder` fails with this message. */
  const startFails = (embedder: string, message: RegExp) =>
    assert.rejects(
      startTestGateway({
        config: twoProtocolConfig({
          cache: { enabled: true, semantic: { enabled: true, embedder, embedding_dimensions: 256 } },
        }),
      }).then(async (gateway) => {
        await gateway.close();
      }),
      message,
    );

  it('refuses to start when the embedder names no configured deployment', async () => {
    await startFails('provider:sim-openai/oa-missing', /not a configured deployment with embeddings/);
  });

  it('refuses a chat model as the embedder: the deployment must declare the embeddings capability', async () => {
    await startFails(
      'provider:sim-openai/oa-small',
      /"sim-openai\/oa-small" is not a configured deployment with embeddings/,
    );
  });
});
