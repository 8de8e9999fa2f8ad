import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { formatUsageTable } from '../../src/report/format-usage-table.js';
import { startTestGateway, type TestGateway, twoProtocolConfig } from '../support/start-test-gateway.js';

const DELIMITER = '---CACHE_BREAK---';
// Well above the 4,096-token minimum Anthropic applies to cacheable prefixes on Haiku 4.5.
const HANDBOOK = `You are the help desk of Acme Rail. ${'Each ticket class has its own refund window, listed in the fare rules. '.repeat(420)}`;

describe('provider prefix caching through the gateway, as the ledger and the report show it', () => {
  let harness: TestGateway;
  let anthropic: Anthropic;

  before(async () => {
    // Prefix caching is on by default; answer caching stays off, so every call reaches the provider.
    harness = await startTestGateway({ config: twoProtocolConfig() });
    anthropic = new Anthropic({ baseURL: harness.url, apiKey: 'unused', maxRetries: 0 });
  });
  after(() => harness.close());

  const ask = async (question: string, today: string) => {
    const { data, response } = await anthropic.messages
      .create({
        model: 'premium',
        max_tokens: 100,
        // No cache_control from the client: the gateway places the breakpoint at the delimiter.
        system: `${HANDBOOK}${DELIMITER}Today is ${today}.`,
        messages: [{ role: 'user', content: question }],
      })
      .withResponse();
    return { usage: data.usage, requestId: response.headers.get('x-tollgate-request-id') ?? '' };
  };

  it('writes the stable prefix once, reads it on the next request, and records both in the ledger and the report', async () => {
    const from = Date.now() - 1_000;
    const first = await ask('Can I get a refund for a missed train?', 'Monday');
    const second = await ask('Do season tickets cover weekends?', 'Tuesday');
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) > 4_096, 'the first call writes the prefix');
    assert.equal(second.usage.cache_creation_input_tokens ?? 0, 0);
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);

    await harness.ledger.flush();
    const written = await harness.ledger.requestDetail(first.requestId);
    const read = await harness.ledger.requestDetail(second.requestId);
    assert.equal(written?.request.cacheWriteInputTokens, first.usage.cache_creation_input_tokens);
    assert.equal(read?.request.cacheReadInputTokens, second.usage.cache_read_input_tokens);
    assert.ok(
      (read?.request.costUsd ?? 1) < (written?.request.costUsd ?? 0),
      'a prefix read is billed below a prefix write',
    );

    const report = await harness.ledger.queryUsage({
      from,
      to: Date.now() + 1_000,
      groupBy: ['provider'],
      useRollup: false,
    });
    assert.equal(report.totals.cacheReadInputTokens, second.usage.cache_read_input_tokens);
    assert.equal(report.totals.cacheWriteInputTokens, first.usage.cache_creation_input_tokens);
    const table = formatUsageTable(report);
    assert.match(table, /cache read/);
    assert.ok(
      table.includes((second.usage.cache_read_input_tokens ?? 0).toLocaleString('en-US')),
      `the report shows the tokens read from the prefix cache:\n${table}`,
    );
  });
});
