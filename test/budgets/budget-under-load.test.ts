import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BudgetWebhookPayload } from '../../src/budgets/send-budget-webhook.js';
import { estimateMaxCost } from '../../src/pricing/compute-cost.js';
import type { ChatRequest } from '../../src/spec/index.js';
import { countChatRequestTokens } from '../../src/tokens/count-tokens.js';
import {
  eventually,
  type ResilientGateway,
  runPool,
  startResilientGateway,
  TEST_REDIS_URL,
  temporaryFolder,
  uniquePrefix,
} from './start-resilient-gateway.js';

const LIMIT_USD = 1;
const MAX_TOKENS = 20;
const PROMPT = 'Write a long story about a toll bridge keeper and the travellers who cross it.';
/** $0.001 per token in and out: each request costs a few cents, so $1 runs out after a few dozen. */
const PRICE_PER_MTOK = 1_000;

/** The gateway's own worst case for one request: what the budget must hold for it. */
function maxRequestCostUsd(gateway: ResilientGateway): number {
  const request: ChatRequest = {
    model: 'fast',
    messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }] }],
    maxOutputTokens: MAX_TOKENS,
    stream: false,
  };
  const price = gateway.gateway.core.runtime.deployments.get('sim/sim-model')?.price;
  assert.ok(price);
  return estimateMaxCost({ inputTokens: countChatRequestTokens(request), maxOutputTokens: MAX_TOKENS, price });
}

function config(options: { sharedState: string; prefix: string; sqlitePath: string; webhookUrl: string }) {
  return {
    storage: {
      ledger: 'off',
      sqlite_path: options.sqlitePath,
      shared_state: options.sharedState,
      shared_state_prefix: options.prefix,
    },
    providers: [
      {
        name: 'sim',
        kind: 'simulated',
        simulation: { ttft_ms: 3, tokens_per_second: 20_000 },
        models: [{ name: 'sim-model', pricing: { input_per_mtok: PRICE_PER_MTOK, output_per_mtok: PRICE_PER_MTOK } }],
      },
    ],
    tiers: { fast: { deployments: ['sim/sim-model'] } },
    budgets: [
      {
        name: 'company',
        scope: 'global',
        limit_usd: LIMIT_USD,
        window: 'day',
        throttle_at: 0.9,
        webhook_url: options.webhookUrl,
      },
    ],
  };
}

interface Outcome {
  status: number;
  costUsd: number;
  remaining: string | null;
  message: string;
}

async function send(url: string, stream: boolean): Promise<Outcome> {
  const response = await fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'fast',
      max_tokens: MAX_TOKENS,
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
      messages: [{ role: 'user', content: PROMPT }],
    }),
  });
  const text = await response.text();
  let costUsd = Number(response.headers.get('x-tollgate-cost-usd') ?? 0);
  if (stream && response.status === 200) {
    // A stream's cost comes in its final usage frame; the header is sent before it is known.
    const match = /"cost_usd":\s*([0-9.e-]+)/.exec(text);
    costUsd = match ? Number(match[1]) : Number.NaN;
  }
  const message =
    response.status === 200 ? '' : ((JSON.parse(text) as { error: { message: string } }).error.message ?? '');
  return {
    status: response.status,
    costUsd,
    remaining: response.headers.get('x-tollgate-budget-remaining-usd'),
    message,
  };
}

/** 200 requests, 40 at a time, spread over the gateways; half of them streamed. */
async function spend(gateways: ResilientGateway[]): Promise<Outcome[]> {
  return runPool({
    count: 200,
    concurrency: 40,
    task: (index) => send((gateways[index % gateways.length] as ResilientGateway).url, index % 2 === 1),
  });
}

for (const setup of [
  { name: 'one gateway, in-memory state', instances: 1, sharedState: 'memory' },
  { name: 'three gateways sharing Redis', instances: 3, sharedState: TEST_REDIS_URL },
]) {
  describe(`a $1 budget under 200 concurrent requests: ${setup.name}`, () => {
    const folder = temporaryFolder();
    const events: BudgetWebhookPayload[] = [];
    let receiver: Server;
    let gateways: ResilientGateway[] = [];
    before(async () => {
      receiver = createServer((request, response) => {
        let body = '';
        request.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        request.on('end', () => {
          events.push(JSON.parse(body) as BudgetWebhookPayload);
          response.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/budget-events`;
      const prefix = uniquePrefix();
      gateways = await Promise.all(
        Array.from({ length: setup.instances }, () =>
          startResilientGateway({
            config: config({ sharedState: setup.sharedState, prefix, sqlitePath: folder.path('keys.db'), webhookUrl }),
            simulation: {},
          }),
        ),
      );
    });
    after(async () => {
      await Promise.all(gateways.map((gateway) => gateway.close()));
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      folder.cleanup();
    });

    it('spends no more than the limit plus one request, refuses the rest with a clear 429, and fires each webhook once', async () => {
      const outcomes = await spend(gateways);
      const served = outcomes.filter((outcome) => outcome.status === 200);
      const refused = outcomes.filter((outcome) => outcome.status === 429);
      assert.equal(served.length + refused.length, 200, `statuses: ${outcomes.map((outcome) => outcome.status)}`);
      assert.ok(served.length >= 20, `${served.length} served`);
      assert.ok(refused.length >= 100, `${refused.length} refused`);
      for (const outcome of refused) {
        assert.match(
          outcome.message,
          /Budget "company" is exhausted: .* It resets at \d{4}-\d\d-\d\dT00:00:00\.000Z\./,
        );
      }
      for (const outcome of served) assert.ok(Number(outcome.remaining) >= 0, 'remaining budget header on answers');

      const owner = gateways[0] as ResilientGateway;
      let spentUsd = Number.NaN;
      await eventually(async () => {
        const [budget] = await owner.layers.budgets.snapshot();
        spentUsd = budget?.spentUsd ?? Number.NaN;
        return budget?.heldUsd === 0;
      });
      const charged = served.reduce((total, outcome) => total + outcome.costUsd, 0);
      assert.ok(Math.abs(charged - spentUsd) < 1e-6, `budget counted ${spentUsd}, responses charged ${charged}`);
      assert.ok(spentUsd <= LIMIT_USD + maxRequestCostUsd(owner), `spent ${spentUsd}`);
      assert.ok(spentUsd >= 0.9, `spent ${spentUsd}: the budget was used, not refused early`);

      await eventually(() => events.length >= 3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(events.map((event) => event.threshold).sort(), ['fallback', 'limit', 'throttle']);
      assert.ok(events.every((event) => event.budget === 'company' && event.limit_usd === LIMIT_USD));
    });
  });
}
