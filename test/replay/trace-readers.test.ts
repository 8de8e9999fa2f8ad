import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { sampleRequest } from '../../src/ledger/__fixtures__/sample-records.js';
import { assertPostgresReachable, TEST_POSTGRES_URL } from '../../src/ledger/__fixtures__/test-targets.js';
import { PostgresLedgerStore } from '../../src/ledger/postgres-ledger-store.js';
import { SqliteLedgerStore } from '../../src/ledger/sqlite-ledger-store.js';
import { fillerParts, HEAD_TOKENS } from '../../src/replay/trace/filler-text.js';
import { parseAzureTrace } from '../../src/replay/trace/read-azure-trace.js';
import { ledgerTrace, parseLedgerJsonl, readLedgerTrace } from '../../src/replay/trace/read-ledger-trace.js';
import { DEFAULT_PREFIX_DELIMITER, parseMooncakeTrace } from '../../src/replay/trace/read-mooncake-trace.js';
import { parseOpenAiJsonl } from '../../src/replay/trace/read-openai-jsonl.js';
import { parseRouterBenchPrompts, routerBenchTrace } from '../../src/replay/trace/read-routerbench-trace.js';
import { detectTraceFormat, readTrace } from '../../src/replay/trace/read-trace.js';
import type { ChatBody } from '../../src/replay/trace/trace-request.js';
import { detectTaskType } from '../../src/routing/classify/detect-task-type.js';
import { scoreComplexity } from '../../src/routing/classify/score-complexity.js';
import { countTextTokens } from '../../src/tokens/count-tokens.js';

type Part = { type: string; text: string };

function userParts(body: ChatBody): string[] {
  const [message] = body.messages as { content: Part[] }[];
  return (message?.content ?? []).map((part) => part.text);
}

function tokensOf(parts: string[]): number {
  return parts.reduce((sum, text) => sum + countTextTokens(text), 0);
}

describe('OpenAI request JSONL', () => {
  test('reads bodies with timestamp, tenant, feature and outcomes, sorted by time', () => {
    const text = [
      JSON.stringify({
        timestamp: '2026-03-03T09:00:05Z',
        tenant: 'acme',
        feature: 'faq',
        outcomes: { fast: 0, premium: 1 },
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'second' }],
      }),
      '',
      JSON.stringify({ timestamp: 1_772_528_400, model: 'gpt-4o', messages: [{ role: 'user', content: 'first' }] }),
    ].join('\n');
    const trace = parseOpenAiJsonl(text, { name: 't.jsonl' });
    assert.equal(trace.requests.length, 2);
    const [first, second] = trace.requests;
    assert.equal(first?.atMs, 1_772_528_400_000);
    assert.equal(second?.atMs, Date.parse('2026-03-03T09:00:05Z'));
    assert.equal(second?.tenant, 'acme');
    assert.equal(second?.feature, 'faq');
    assert.deepEqual(second?.outcomes, { fast: 0, premium: 1 });
    assert.deepEqual(second?.body(), { model: 'gpt-4o', messages: [{ role: 'user', content: 'second' }] });
    assert.equal(trace.contentFree, false);
  });

  test('reads the Batch API input shape and spaces untimed lines at the given rate', () => {
    const line = (n: number) =>
      JSON.stringify({
        custom_id: `r${n}`,
        method: 'POST',
        url: '/v1/chat/completions',
        body: { model: 'm', messages: [{ role: 'user', content: `q${n}` }] },
      });
    const trace = parseOpenAiJsonl([line(1), line(2), line(3)].join('\n'), { name: 'batch', ratePerSecond: 2 });
    assert.deepEqual(
      trace.requests.map((request) => request.atMs - (trace.requests[0]?.atMs ?? 0)),
      [0, 500, 1000],
    );
    assert.deepEqual(trace.requests[1]?.body(), { model: 'm', messages: [{ role: 'user', content: 'q2' }] });
    assert.match(trace.notes.join(' '), /No timestamps/);
  });

  test('names the line of a malformed request', () => {
    const text = `${JSON.stringify({ messages: [{ role: 'user', content: 'ok' }] })}\n{"model":"x"}`;
    assert.throws(() => parseOpenAiJsonl(text, { name: 'bad' }), /trace line 2: .*messages/);
    assert.throws(() => parseOpenAiJsonl('{not json', { name: 'bad' }), /trace line 1: not JSON/);
  });
});

describe('Azure token-count trace', () => {
  const csv = [
    'TIMESTAMP,ContextTokens,GeneratedTokens',
    '2023-11-16 18:15:50.9951690,1500,109',
    '2023-11-16 18:15:46.6805900,374,44',
  ].join('\n');

  test('makes synthetic prompts of exactly the recorded size, sorted by time', () => {
    const trace = parseAzureTrace(csv, { name: 'azure.csv' });
    assert.equal(trace.requests[0]?.atMs, Date.parse('2023-11-16T18:15:46.680Z'));
    const sizes = trace.requests.map((request) => tokensOf(userParts(request.body())) + 6);
    assert.deepEqual(sizes, [374, 1500]);
    assert.deepEqual(
      trace.requests.map((request) => request.body().max_tokens),
      [44, 109],
    );
    assert.equal(trace.longestOutputTokens, 109);
  });

  test('is content-free: the semantic cache is kept out and no two prompts share a prefix', () => {
    const trace = parseAzureTrace(csv, { name: 'azure.csv' });
    assert.equal(trace.contentFree, true);
    assert.equal(trace.requests[0]?.headers?.['x-tollgate-cache'], 'exact-only');
    const [a, b] = trace.requests.map((request) => userParts(request.body()));
    assert.notEqual(a?.[0], b?.[0]);
    assert.equal(countTextTokens(a?.[0] ?? ''), HEAD_TOKENS);
  });

  test('filler carries no task signal: the complexity classifier sees its length only', () => {
    for (const tokens of [50, 600, 4_000]) {
      const text = fillerParts({ tokens, seed: tokens }).join('');
      const score = scoreComplexity({ text });
      assert.deepEqual(
        score.drivers.map((driver) => driver.feature),
        ['length'],
        `${tokens} tokens: ${JSON.stringify(score.drivers)}`,
      );
      assert.equal(detectTaskType(text).taskType, 'chat');
      // About as many characters per token as English text, so length estimated from characters holds.
      assert.ok(text.length / tokens < 5.2, `${(text.length / tokens).toFixed(2)} characters per token`);
      assert.equal(countTextTokens(text), tokens);
    }
  });

  test('rejects another header', () => {
    assert.throws(() => parseAzureTrace('time,tokens\n1,2', { name: 'x.csv' }), /expected the header/);
  });
});

describe('Mooncake prefix-block trace', () => {
  const jsonl = [
    { timestamp: 0, input_length: 1100, output_length: 40, hash_ids: [7, 8, 9] },
    { timestamp: 2000, input_length: 1400, output_length: 12, hash_ids: [7, 8, 10] },
  ]
    .map((row) => JSON.stringify(row))
    .join('\n');

  test('turns shared block ids into shared text and marks the shared history with a delimiter', () => {
    const trace = parseMooncakeTrace(jsonl, { name: 'm.jsonl' });
    const [first, second] = trace.requests.map((request) => userParts(request.body()));
    // First request: three blocks then the end delimiter; nothing seen before.
    assert.equal(first?.length, 4);
    assert.equal(first?.[3], DEFAULT_PREFIX_DELIMITER);
    // Second request: blocks 7 and 8 were seen: a delimiter after them, then block 10 (which goes on
    // from where the first prompt ended: its partial block 9, then text of its own), then the end.
    assert.deepEqual(second?.slice(0, 2), first?.slice(0, 2));
    assert.equal(second?.[2], DEFAULT_PREFIX_DELIMITER);
    assert.equal(second?.[3], first?.[2]);
    assert.notEqual(second?.[4], first?.[2]);
    assert.equal(second?.[5], DEFAULT_PREFIX_DELIMITER);
    const blocks = (parts: string[] | undefined) =>
      tokensOf((parts ?? []).filter((part) => part !== DEFAULT_PREFIX_DELIMITER));
    assert.equal(blocks(first) + 6, 1100);
    assert.equal(blocks(second) + 6, 1400);
    assert.equal(countTextTokens(first?.[0] ?? ''), 512);
    assert.equal((trace.requests[1]?.atMs ?? 0) - (trace.requests[0]?.atMs ?? 0), 2000);
    assert.equal(trace.requests[1]?.body().max_tokens, 12);
  });
});

describe('Mooncake conversation turns', () => {
  test("a turn that repeats the previous prompt's full blocks begins its next block with that prompt's partial block", () => {
    const rows = [
      { timestamp: 0, input_length: 1_300, output_length: 20, hash_ids: [7, 8, 9] },
      { timestamp: 60_000, input_length: 2_000, output_length: 20, hash_ids: [7, 8, 10, 11] },
      // Shares only the first block with the others: continues nothing.
      { timestamp: 90_000, input_length: 700, output_length: 20, hash_ids: [7, 12] },
    ];
    const trace = parseMooncakeTrace(rows.map((row) => JSON.stringify(row)).join('\n'), { name: 'm.jsonl' });
    const [first, second, third] = trace.requests.map((request) =>
      userParts(request.body()).filter((part) => part !== DEFAULT_PREFIX_DELIMITER),
    );
    // The first prompt's partial third block (1,300 - 6 - 1,024 = 270 tokens) opens the second's third
    // block, as its own part (a block boundary, where the first prompt ended).
    assert.equal(countTextTokens(first?.[2] ?? ''), 270);
    assert.equal(second?.[2], first?.[2]);
    assert.ok((first ?? []).join('').length > 0 && (second ?? []).join('').startsWith((first ?? []).join('')));
    assert.equal(tokensOf(second ?? []) + 6, 2_000);
    assert.notEqual(third?.[1]?.slice(0, 20), first?.[2]?.slice(0, 20));
    assert.equal(tokensOf(third ?? []) + 6, 700);
  });
});

describe('RouterBench CSV', () => {
  const header = 'sample_id,prompt,eval_name,small,small|total_cost,big,big|total_cost,oracle_model_to_route_to';
  const csv = [
    header,
    `1,"['What is 2+2?']",math,1,0.0001,1,0.002,small`,
    `2,"['Prove the theorem, ""carefully""']",math,0,0.0002,1,0.003,big`,
    `3,"['No small outcome']",math,,0.0001,1,0.002,big`,
  ].join('\n');

  test('keeps per-model scores and costs and maps them to tiers', () => {
    const prompts = parseRouterBenchPrompts(csv, 'math');
    assert.equal(prompts.length, 3);
    assert.equal(prompts[1]?.prompt, 'Prove the theorem, "carefully"');
    const trace = routerBenchTrace(prompts, { name: 'rb', tierModels: { fast: 'small', premium: 'big' } });
    assert.equal(trace.requests.length, 2, 'the prompt without a score for a mapped model is left out');
    assert.deepEqual(trace.requests[1]?.outcomes, { fast: 0, premium: 1 });
    assert.deepEqual(trace.requests[1]?.recordedCostUsd, { fast: 0.0002, premium: 0.003 });
    assert.equal(trace.requests[0]?.feature, 'math');
    assert.match(trace.notes.join(' '), /left out/);
  });
});

describe('ledger as a trace', () => {
  const directory = mkdtempSync(join(tmpdir(), 'tollgate-replay-ledger-'));
  after(() => rmSync(directory, { recursive: true, force: true }));

  const records = [
    sampleRequest({
      requestId: 'a',
      startedAt: 2_000,
      uncachedInputTokens: 300,
      cacheReadInputTokens: 1024,
      outputTokens: 80,
      tenant: 't1',
    }),
    sampleRequest({
      requestId: 'b',
      startedAt: 1_000,
      uncachedInputTokens: 50,
      outputTokens: 10,
      feature: 'f2',
      batch: true,
    }),
    sampleRequest({
      requestId: 'c',
      startedAt: 3_000,
      uncachedInputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      outputTokens: 0,
      cacheStatus: 'hit-exact',
    }),
  ];

  test('replays recorded sizes, tenants and features, and leaves out rows without tokens', () => {
    const trace = ledgerTrace(records, { name: 'ledger' });
    assert.deepEqual(
      trace.requests.map((request) => request.atMs),
      [1_000, 2_000],
    );
    const [b, a] = trace.requests;
    assert.equal(tokensOf(userParts(a?.body() ?? {})) + 6, 300 + 1024 + (records[0]?.cacheWriteInputTokens ?? 0));
    assert.equal(a?.body().max_tokens, 80);
    assert.equal(a?.tenant, 't1');
    assert.equal(b?.feature, 'f2');
    assert.equal(b?.headers?.['x-tollgate-priority'], 'batch');
    assert.match(trace.notes.join(' '), /1 ledger rows were left out/);
  });

  test('reads a SQLite ledger in a time range, and journal-style JSONL exports', async () => {
    const path = join(directory, 'ledger.db');
    const store = new SqliteLedgerStore({ path });
    await store.migrate();
    await store.write(records.map((request) => ({ kind: 'request' as const, request, attempts: [] })));
    await store.close();
    const all = await readLedgerTrace(`sqlite:${path}`);
    assert.equal(all.requests.length, 2);
    const late = await readLedgerTrace(`sqlite:${path}`, { from: 1_500 });
    assert.equal(late.requests.length, 1);
    const journal = records.map((request) => JSON.stringify({ kind: 'request', request, attempts: [] })).join('\n');
    assert.equal(parseLedgerJsonl(journal).length, 3);
  });
});

describe('PostgreSQL ledger as a trace', () => {
  const schema = `replay_${randomBytes(6).toString('hex')}`;
  const variable = `TOLLGATE_REPLAY_TEST_PG_${schema.toUpperCase()}`;
  after(async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
    delete process.env[variable];
  });

  test('reads the ledger of a gateway on PostgreSQL, URL from the environment', async () => {
    await assertPostgresReachable();
    const store = new PostgresLedgerStore({ url: TEST_POSTGRES_URL, schema });
    await store.migrate();
    await store.write(
      [
        sampleRequest({ requestId: 'p1', startedAt: 5_000, uncachedInputTokens: 700, outputTokens: 40, tenant: 'pg' }),
        sampleRequest({ requestId: 'p2', startedAt: 6_000, uncachedInputTokens: 90, outputTokens: 9 }),
      ].map((request) => ({ kind: 'request' as const, request, attempts: [] })),
    );
    await store.close();
    const separator = TEST_POSTGRES_URL.includes('?') ? '&' : '?';
    process.env[variable] = `${TEST_POSTGRES_URL}${separator}options=-c%20search_path%3D${schema}`;
    const trace = await readTrace([`postgres:${variable}`], { ledgerRange: { from: 5_500 } });
    assert.equal(trace.format, 'ledger');
    assert.deepEqual(
      trace.requests.map((request) => request.body().max_tokens),
      [9],
    );
    const all = await readTrace([`postgres:${variable}`]);
    assert.equal(all.requests[0]?.tenant, 'pg');
    await assert.rejects(readTrace(['postgres:TOLLGATE_REPLAY_TEST_UNSET_VARIABLE']), /is not set/);
  });
});

test('detects each format from its content', () => {
  assert.equal(detectTraceFormat('TIMESTAMP,ContextTokens,GeneratedTokens\n', 'a'), 'azure');
  assert.equal(detectTraceFormat('{"timestamp":0,"input_length":1,"output_length":1,"hash_ids":[1]}', 'm'), 'mooncake');
  assert.equal(detectTraceFormat('{"messages":[{"role":"user","content":"hi"}]}', 'o'), 'openai');
  assert.equal(detectTraceFormat('{"kind":"request","request":{}}', 'l'), 'ledger');
  assert.equal(detectTraceFormat(',prompt,eval_name,m,m|total_cost\n', 'r'), 'routerbench');
  assert.throws(() => detectTraceFormat('hello', 'x'), /--format/);
});
