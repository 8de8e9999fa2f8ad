import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HttpRequest, readBodyText } from '../../http/http-transport.js';
import { GatewayError } from '../../spec/index.js';
import { createSseDecoder } from '../shared/parse-sse.js';
import { createSimulatedHandler } from './create-simulated-handler.js';
import { createSimulatedTransport } from './create-simulated-transport.js';

const timeouts = { connectMs: 1000, firstByteMs: 5000, idleMs: 5000 };
const body = JSON.stringify({ model: 'sim-small', stream: true, messages: [{ role: 'user', content: 'Hello there' }] });

function request(fields: Partial<HttpRequest> = {}): HttpRequest {
  return {
    url: 'http://simulated.tollgate/v1/chat/completions',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    timeouts,
    ...fields,
  };
}

describe('createSimulatedTransport', () => {
  it('serves any origin and base path in-process, with an SSE body the shared parser reads', async () => {
    const transport = createSimulatedTransport({ ttftMs: 0, sleep: async () => {} });
    const response = await transport(request({ url: 'http://simulated.tollgate.invalid/proxy/v1/chat/completions' }));
    assert.equal(response.status, 200);
    const events: string[] = [];
    const decoder = createSseDecoder();
    for await (const chunk of response.body) for (const event of decoder.feed(chunk)) events.push(event.data);
    for (const event of decoder.end()) events.push(event.data);
    assert.equal(events.at(-1), '[DONE]');
    const models = await transport(
      request({ url: 'http://simulated.tollgate/v1/models', method: 'GET', body: undefined }),
    );
    assert.equal(JSON.parse(await readBodyText(models.body)).object, 'list');
  });

  it('shares one handler, and so one prefix cache, when given one', async () => {
    const handler = createSimulatedHandler({ sleep: async () => {} });
    const first = createSimulatedTransport({ handler });
    const second = createSimulatedTransport({ handler });
    const long = { role: 'system', content: 'policy '.repeat(1500) };
    const ask = async (transport: typeof first) =>
      JSON.parse(
        await readBodyText(
          (
            await transport(
              request({ body: JSON.stringify({ model: 'm', messages: [long, { role: 'user', content: 'hi' }] }) }),
            )
          ).body,
        ),
      ).usage.prompt_tokens_details.cached_tokens;
    assert.equal(await ask(first), 0);
    assert.ok((await ask(second)) >= 1024);
  });

  it('throws upstream_timeout when the first byte would come after timeouts.firstByteMs, on the injected clock', async () => {
    const slept: number[] = [];
    const transport = createSimulatedTransport({
      ttftMs: 10_000,
      sleep: async (milliseconds) => {
        slept.push(milliseconds);
      },
    });
    await assert.rejects(
      transport(request({ timeouts: { ...timeouts, firstByteMs: 2000 } })),
      (error: unknown) => error instanceof GatewayError && error.code === 'upstream_timeout' && error.retryable,
    );
    assert.deepEqual(slept, [2000]);
  });

  it('honours an aborted signal', async () => {
    const transport = createSimulatedTransport({ ttftMs: 0, sleep: async () => {} });
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      transport(request({ signal: controller.signal })),
      (error: unknown) => error instanceof GatewayError && error.code === 'cancelled',
    );
  });
});
