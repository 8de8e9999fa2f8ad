import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../src/logging/create-logger.js';
import { createSimulatedHandler } from '../../src/providers/simulated/create-simulated-handler.js';
import { type SimulatedServer, startSimulatedServer } from '../../src/providers/simulated/start-simulated-server.js';
import { buildDashboardForTest, openBrowser, SCREENSHOT_DIR } from './open-dashboard-browser.js';
import { sendMixRequest } from './serve-request-mix.js';
import { type ObservedGateway, startObservedGateway } from './start-observed-gateway.js';
import { type OtlpReceiver, startOtlpReceiver } from './start-otlp-receiver.js';

// Planted secrets: random per run, so that a match can only come from this run's leak.
const PROVIDER_KEY = `sk-test-PLANTED${randomBytes(12).toString('hex')}`;
const MASTER_KEY = `mk-PLANTED${randomBytes(12).toString('hex')}`;
const ADMIN = { authorization: `Bearer ${MASTER_KEY}` };

/** The secret itself and its tail (a cut-off key is still a leak). */
function shapesOf(secret: string): string[] {
  return [secret, secret.slice(-16)];
}

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

describe('no planted key leaks into logs, errors, metrics, traces or the dashboard', () => {
  let provider: SimulatedServer;
  let collector: OtlpReceiver;
  let harness: ObservedGateway;
  let built: Awaited<ReturnType<typeof buildDashboardForTest>>;
  let virtualKey: string;
  let planted: string[];
  const logLines: string[] = [];
  const collected: { where: string; text: string }[] = [];
  const requestIds: string[] = [];
  let events: Response;
  let eventText = '';

  before(async () => {
    provider = await startEchoingProvider();
    collector = await startOtlpReceiver();
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
      environment: { OPENAI_API_KEY: PROVIDER_KEY, TOLLGATE_MASTER_KEY: MASTER_KEY },
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
        // A budget the refused request below crosses: the alert, its log line and its webhook are checked too.
        budgets: [{ name: 'acme-tiny', scope: 'tenant', match: 'acme', limit_usd: 0.000001 }],
        tracing: { enabled: true, endpoint: collector.url, export_interval_ms: 50 },
      },
    });
    // A real virtual key of tenant acme, as `tollgate keys create` makes it.
    virtualKey = (await harness.resilience.keys.create({ tenant: 'acme', name: 'leak-check' })).key;
    planted = [...shapesOf(PROVIDER_KEY), ...shapesOf(virtualKey), ...shapesOf(MASTER_KEY)];
    events = await fetch(`${harness.url}/admin/events`, { headers: ADMIN });
    assert.equal(events.status, 200);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (done) return;
        eventText += decoder.decode(value, { stream: true });
      }
    })();

    const send = async (
      prompt: string,
      headers: Record<string, string>,
      options: { stream?: boolean; tenant?: string } = {},
    ) => {
      const answer = await sendMixRequest({
        url: harness.url,
        request: {
          tenant: options.tenant ?? 'globex',
          feature: 'leak-check',
          model: 'fast',
          prompt,
          stream: options.stream,
        },
        headers,
      });
      collected.push({ where: `response to "${prompt}"`, text: answer.body });
      if (answer.requestId) requestIds.push(answer.requestId);
      return answer;
    };
    const bearer = { authorization: `Bearer ${virtualKey}` };
    assert.equal((await send('An ordinary question.', ADMIN)).status, 200);
    assert.equal((await send('An ordinary stream.', { 'x-api-key': MASTER_KEY }, { stream: true })).status, 200);
    assert.equal((await send('ECHO-500 please', ADMIN)).status, 502);
    assert.equal((await send('ECHO-401 please', ADMIN)).status, 502);
    assert.equal((await send('Refused by the acme budget.', bearer)).status, 429, 'the key carries tenant acme');
    const unknown = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...ADMIN, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
    });
    collected.push({ where: 'unknown-model error', text: await unknown.text() });
    const revoked = await fetch(`${harness.url}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer tg-${randomBytes(24).toString('base64url')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(revoked.status, 401, 'an unknown virtual key is refused');
    collected.push({ where: 'unknown-key error', text: await revoked.text() });
    await harness.ledger.flush();
    await collector.waitForSpans(requestIds.length + 1);
  });

  after(async () => {
    await events?.body?.cancel().catch(() => {});
    await harness?.close();
    await collector?.close();
    await provider?.close();
    await built?.remove();
  });

  it('writes one structured log line per request, with no key in any line', async () => {
    const requestLines = logLines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === 'request');
    assert.equal(requestLines.length, 7, 'one line per request, the refused key included');
    const served = requestLines.find((line) => line.requestId === requestIds[0]);
    assert.ok(served, 'the first request is logged by its id');
    assert.equal(served.tenant, 'globex');
    assert.equal(served.feature, 'leak-check');
    assert.match(String(served.route), /^tier: /, 'the deciding rule and its reason');
    const recorded = await harness.ledger.requestDetail(requestIds[0] as string);
    assert.equal(served.cache, recorded?.request.cacheStatus, 'the cache status, as the ledger has it');
    assert.equal(served.costUsd, recorded?.request.costUsd);
    assert.equal(typeof served.costUsd, 'number');
    assert.equal(typeof served.latencyMs, 'number');
    assert.ok((served.tokens as { outputTokens: number }).outputTokens > 0);
    const refused = requestLines.find((line) => line.status === 429);
    assert.equal(refused?.tenant, 'acme', "the virtual key's tenant");
    const failed = requestLines.filter((line) => line.status === 502);
    assert.equal(failed.length, 2);
    for (const line of failed) assert.equal(line.level, 'error', '5xx at error');
    assert.equal(requestLines.find((line) => line.status === 404)?.level, 'info', '4xx at info');
    assert.ok(logLines.some((line) => line.includes('budget threshold crossed')));
    for (const line of logLines) {
      for (const secret of planted)
        assert.ok(!line.includes(secret), `a log line leaks ${secret.slice(0, 12)}…: ${line}`);
    }
  });

  it('keeps keys out of error bodies, /metrics, the admin API, the live feed and the exported traces', async () => {
    const get = async (path: string) => {
      const response = await fetch(`${harness.url}${path}`, { headers: ADMIN });
      collected.push({ where: path, text: await response.text() });
      return response.status;
    };
    assert.equal(await get('/metrics'), 200);
    assert.equal(await get('/admin/usage?by=tenant,model,key'), 200);
    assert.equal(await get('/admin/requests?limit=50'), 200);
    for (const id of requestIds) assert.equal(await get(`/admin/requests/${id}`), 200);
    assert.equal(await get('/admin/budgets'), 200);
    assert.equal(await get('/admin/alerts'), 200);
    assert.match(collected.at(-1)?.text ?? '', /acme-tiny/, 'the alert is listed');
    assert.equal(await get('/admin/keys'), 200);
    assert.equal(await get('/dashboard'), 200);
    // The gateway's own listener mounts the dashboard behind the master key as well.
    const own = await harness.gateway.listen({ host: '127.0.0.1', port: 0 });
    const anonymous = await fetch(`${own}/dashboard`);
    assert.equal(anonymous.status, 401, 'a sign-in page, not the dashboard');
    assert.match(anonymous.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    collected.push({ where: 'the sign-in page', text: await anonymous.text() });
    assert.equal((await fetch(`${own}/admin/usage`)).status, 401);
    for (const name of await readdir(join(built.directory, 'assets'))) {
      collected.push({
        where: `dashboard asset ${name}`,
        text: await readFile(join(built.directory, 'assets', name), 'utf8'),
      });
    }
    assert.match(eventText, /event: request/, 'the live feed carried the requests');
    collected.push({ where: '/admin/events', text: eventText });
    for (const request of collector.requests) collected.push({ where: 'an OTLP export', text: request.body });
    assert.ok(collector.spans.length >= requestIds.length);

    const errors = collected.filter((item) => item.where.startsWith('response to "ECHO'));
    assert.equal(errors.length, 2);
    for (const error of errors) {
      assert.match(error.text, /"type":"server_error"/, 'the failure is reported, without the key');
    }
    // Proof that the upstream did echo the key: the gateway's message shows where it cut it out.
    assert.match(errors[0]?.text ?? '', /credentials Bearer \[redacted\]/);
    for (const item of collected) {
      for (const secret of planted)
        assert.ok(!item.text.includes(secret), `${item.where} leaks ${secret.slice(0, 12)}…`);
    }
  });

  it('keeps keys out of the dashboard as a browser renders it, request details included', async () => {
    const browser = await openBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${harness.url}/dashboard?key=${MASTER_KEY}&range=24h`);
      await page.waitForSelector('body[data-state=ready]');
      assert.ok(!page.url().includes(MASTER_KEY), 'the key left the address bar');
      await page.getByTestId('alert').first().waitFor();
      const pages = [await page.content()];
      for (const id of requestIds) {
        await page.locator(`[data-testid=request-row][data-request-id="${id}"]`).click();
        await page.getByTestId('detail-id').filter({ hasText: id }).waitFor();
        pages.push(await page.content());
        await page.keyboard.press('Escape');
      }
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'secret-leak-overview.png'), fullPage: true });
      const cookies = JSON.stringify(await browser.context.cookies());
      for (const text of [...pages, cookies]) {
        for (const secret of planted)
          assert.ok(!text.includes(secret), `the rendered dashboard leaks ${secret.slice(0, 12)}…`);
      }
    } finally {
      await browser.close();
    }
  });
});
