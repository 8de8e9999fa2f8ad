import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging/create-logger.js';
import { createSimulatedHandler } from '../../src/providers/simulated/create-simulated-handler.js';
import { type SimulatedServer, startSimulatedServer } from '../../src/providers/simulated/start-simulated-server.js';
import { buildDashboardForTest } from './open-dashboard-browser.js';
import { sendMixRequest } from './serve-request-mix.js';
import { type ObservedGateway, startObservedGateway } from './start-observed-gateway.js';

// Planted secrets: random per run, so that a match can only come from this run's leak.
const PROVIDER_KEY = `sk-test-PLANTED${randomBytes(12).toString('hex')}`;
const VIRTUAL_KEY = `tg-PLANTED${randomBytes(12).toString('hex')}`;
const PLANTED = [PROVIDER_KEY, VIRTUAL_KEY, PROVIDER_KEY.slice(-16), VIRTUAL_KEY.slice(-16)];

/** An upstream that, like careless real ones, echoes the credentials it got in its error messages. */
async function startEchoingProvider(): Promise<SimulatedServer> {
  const inner = createSimulatedHandler({ ttftMs: 0, sleep: async () => {}, apiKey: PROVIDER_KEY });
  const echo = (status: number, message: string) => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: (async function* () {
      yield new TextEncoder().encode(JSON.stringify({ error: { message, type: 'server_error', code: null } }));
    })(),
  });
  return startSimulatedServer({
    handler: {
      prefixCache: inner.prefixCache,
      async handle(request) {
        const authorization = request.headers.authorization ?? '';
        if (request.body?.includes('ECHO-500')) return echo(500, `upstream trouble for credentials ${authorization}`);
        if (request.body?.includes('ECHO-401'))
          return echo(401, `Incorrect API key provided: ${authorization.slice(7)}`);
        return inner.handle(request);
      },
    },
  });
}

describe('no planted key leaks into logs, errors, metrics or the dashboard', () => {
  let provider: SimulatedServer;
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;
  const logLines: string[] = [];
  const collected: { where: string; text: string }[] = [];
  const requestIds: string[] = [];

  before(async () => {
    provider = await startEchoingProvider();
    built = await buildDashboardForTest();
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((line) => line !== ''),
        );
        done();
      },
    });
    harness = await startObservedGateway({
      staticDir: built.directory,
      logger: createLogger({ level: 'debug', destination }),
      environment: { OPENAI_API_KEY: PROVIDER_KEY },
      config: {
        server: { max_retries: 0 },
        providers: [
          {
            name: 'openai',
            kind: 'openai',
            base_url: provider.url,
            api_key_env: 'OPENAI_API_KEY',
            models: [{ name: 'gpt-5.4-nano' }],
          },
        ],
        tiers: { fast: { deployments: ['openai/gpt-5.4-nano'] } },
      },
    });
    const send = async (prompt: string, headers: Record<string, string>, stream = false) => {
      const answer = await sendMixRequest({
        url: harness.url,
        request: { tenant: 'acme', feature: 'leak-check', model: 'fast', prompt, stream },
        headers,
      });
      collected.push({ where: `response to "${prompt}"`, text: answer.body });
      if (answer.requestId) requestIds.push(answer.requestId);
      return answer;
    };
    const bearer = { authorization: `Bearer ${VIRTUAL_KEY}` };
    assert.equal((await send('An ordinary question.', bearer)).status, 200);
    assert.equal((await send('An ordinary stream.', { 'x-api-key': VIRTUAL_KEY }, true)).status, 200);
    assert.equal((await send('ECHO-500 please', bearer)).status, 502);
    assert.equal((await send('ECHO-401 please', bearer)).status, 502);
    const unknown = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    collected.push({ where: 'unknown-model error', text: await unknown.text() });
    await harness.ledger.flush();
  });

  after(async () => {
    await harness?.close();
    await provider?.close();
    await built?.remove();
  });

  it('writes one structured log line per request, with no key in any line', async () => {
    const requestLines = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request');
    assert.equal(requestLines.length, 5, 'one line per request');
    const served = requestLines.find((line) => line.requestId === requestIds[0]);
    assert.ok(served, 'the first request is logged by its id');
    assert.equal(served.tenant, 'acme');
    assert.match(String(served.route), /^tier: /);
    const recorded = await harness.ledger.requestDetail(requestIds[0] as string);
    assert.equal(served.cache, recorded?.request.cacheStatus, 'the cache status, as the ledger has it');
    assert.equal(served.costUsd, recorded?.request.costUsd);
    assert.equal(typeof served.costUsd, 'number');
    assert.equal(typeof served.latencyMs, 'number');
    assert.ok((served.tokens as { outputTokens: number }).outputTokens > 0);
    const failed = requestLines.filter((line) => line.status === 502);
    assert.equal(failed.length, 2);
    for (const line of failed) assert.equal(line.level, 'error', '5xx at error');
    assert.equal(requestLines.find((line) => line.status === 404)?.level, 'info', '4xx at info');
    for (const line of logLines) {
      for (const secret of PLANTED)
        assert.ok(!line.includes(secret), `a log line leaks ${secret.slice(0, 12)}…: ${line}`);
    }
  });

  it('keeps keys out of error bodies, /metrics, the admin API and the dashboard', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${harness.url}${path}`);
      collected.push({ where: path, text: await response.text() });
      return response.status;
    };
    assert.equal(await get('/metrics'), 200);
    assert.equal(await get('/admin/usage?by=tenant,model,key'), 200);
    assert.equal(await get('/admin/requests?limit=50'), 200);
    for (const id of requestIds) assert.equal(await get(`/admin/requests/${id}`), 200);
    assert.equal(await get('/dashboard'), 200);
    for (const name of await readdir(join(built.directory, 'assets'))) {
      collected.push({
        where: `dashboard asset ${name}`,
        text: await readFile(join(built.directory, 'assets', name), 'utf8'),
      });
    }
    assert.ok(collected.length > 10);
    const errors = collected.filter((item) => item.where.startsWith('response to "ECHO'));
    assert.equal(errors.length, 2);
    for (const error of errors) {
      assert.match(error.text, /"type":"server_error"/, 'the failure is reported, without the key');
    }
    // Proof that the upstream did echo the key: the gateway's message shows where it cut it out.
    assert.match(errors[0]?.text ?? '', /credentials Bearer \[redacted\]/);
    for (const item of collected) {
      for (const secret of PLANTED) {
        assert.ok(!item.text.includes(secret), `${item.where} leaks ${secret.slice(0, 12)}…`);
      }
    }
  });
});
