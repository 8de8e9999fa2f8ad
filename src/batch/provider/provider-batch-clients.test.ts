import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HttpRequest, HttpTransport } from '../../http/http-transport.js';
import { GatewayError } from '../../spec/index.js';
import { createAnthropicBatchClient } from './create-anthropic-batch-client.js';
import { createOpenAiBatchClient } from './create-openai-batch-client.js';
import type { ProviderBatchEndpoint } from './provider-batch-client.js';

function fixture(name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
}

/** Answers `METHOD path` from a table of fixtures and keeps every request. */
function replay(table: Record<string, { status?: number; body: string }>): {
  transport: HttpTransport;
  sent: HttpRequest[];
} {
  const sent: HttpRequest[] = [];
  const transport: HttpTransport = async (request) => {
    sent.push(request);
    const key = `${request.method} ${new URL(request.url).pathname}`;
    const answer = table[key] ?? { status: 404, body: '{"error":{"message":"not found"}}' };
    const encoded = new TextEncoder().encode(answer.body);
    return {
      status: answer.status ?? 200,
      headers: { 'content-type': 'application/json' },
      body: (async function* () {
        yield encoded;
      })(),
    };
  };
  return { transport, sent };
}

function endpoint(baseUrl: string, transport: HttpTransport): ProviderBatchEndpoint {
  return {
    name: 'provider-under-test',
    baseUrl,
    apiKey: 'sk-test-secret',
    headers: { 'X-Extra': 'yes' },
    timeouts: { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000 },
    transport,
  };
}

describe('OpenAI Batch client', () => {
  it('uploads the lines as a JSONL file and creates a 24h chat completions batch', async () => {
    const { transport, sent } = replay({
      'POST /v1/files': { body: fixture('openai-file.json') },
      'POST /v1/batches': { body: fixture('openai-batch-in-progress.json') },
    });
    const client = createOpenAiBatchClient(endpoint('https://api.openai.com/v1', transport));
    const id = await client.submit([
      { customId: 'line-0', body: { model: 'gpt-5.4-nano', messages: [{ role: 'user', content: 'Hi' }] } },
      { customId: 'line-2', body: { model: 'gpt-5.4-nano', messages: [{ role: 'user', content: 'Hello' }] } },
    ]);
    assert.equal(id, 'batch_abc123');
    const [upload, create] = sent;
    assert.equal(upload?.headers.authorization, 'Bearer sk-test-secret');
    assert.equal(upload?.headers['x-extra'], 'yes');
    const form = await new Response(upload?.body, {
      headers: { 'content-type': upload?.headers['content-type'] ?? '' },
    }).formData();
    assert.equal(form.get('purpose'), 'batch');
    const lines = (await (form.get('file') as File).text())
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(lines[1], {
      custom_id: 'line-2',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-5.4-nano', messages: [{ role: 'user', content: 'Hello' }] },
    });
    assert.deepEqual(JSON.parse(create?.body ?? '{}'), {
      input_file_id: 'file-abc123',
      endpoint: '/v1/chat/completions',
      completion_window: '24h',
      metadata: { source: 'tollgate' },
    });
  });

  it('reports running, then the answers of the output and error files; unanswered lines are left out', async () => {
    const running = replay({ 'GET /v1/batches/batch_abc123': { body: fixture('openai-batch-in-progress.json') } });
    assert.deepEqual(
      await createOpenAiBatchClient(endpoint('https://api.openai.com/v1', running.transport)).poll('batch_abc123'),
      {
        state: 'running',
      },
    );
    const ended = replay({
      'GET /v1/batches/batch_abc123': { body: fixture('openai-batch-completed.json') },
      'GET /v1/files/file-cvaTdG/content': { body: fixture('openai-output.jsonl') },
      'GET /v1/files/file-HOWS94/content': { body: fixture('openai-errors.jsonl') },
    });
    const polled = await createOpenAiBatchClient(endpoint('https://api.openai.com/v1', ended.transport)).poll(
      'batch_abc123',
    );
    assert.equal(polled.state, 'ended');
    if (polled.state !== 'ended') return;
    assert.deepEqual(
      polled.results.map((result) => [result.customId, result.status]),
      [
        ['line-0', 200],
        ['line-2', 200],
        ['line-1', 400],
      ],
    );
    assert.equal(JSON.parse(polled.results[0]?.body ?? '{}').choices[0].message.content, 'Hello.');
    const lost = replay({});
    assert.deepEqual(
      await createOpenAiBatchClient(endpoint('https://api.openai.com/v1', lost.transport)).poll('gone'),
      {
        state: 'lost',
      },
    );
  });

  it('turns a refused submission into an upstream error without the key in it', async () => {
    const { transport } = replay({
      'POST /v1/files': { status: 401, body: '{"error":{"message":"Incorrect API key"}}' },
    });
    await assert.rejects(
      createOpenAiBatchClient(endpoint('https://api.openai.com/v1', transport)).submit([{ customId: 'a', body: {} }]),
      (error) => {
        assert.ok(error instanceof GatewayError);
        assert.equal(error.upstreamStatus, 401);
        assert.doesNotMatch(error.message, /sk-test-secret/);
        return true;
      },
    );
  });
});

describe('Anthropic Message Batches client', () => {
  it('submits params inline, polls processing_status and maps errored results to live statuses', async () => {
    const id = 'msgbatch_013Zva2CMHLNnXjNJJKqJ2EF';
    const { transport, sent } = replay({
      'POST /v1/messages/batches': { body: fixture('anthropic-batch-in-progress.json') },
      [`GET /v1/messages/batches/${id}`]: { body: fixture('anthropic-batch-ended.json') },
      [`GET /v1/messages/batches/${id}/results`]: { body: fixture('anthropic-results.jsonl') },
    });
    const client = createAnthropicBatchClient(endpoint('https://api.anthropic.com/v1', transport));
    const params = { model: 'claude-haiku-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] };
    assert.equal(await client.submit([{ customId: 'line-0', body: params }]), id);
    assert.equal(sent[0]?.headers['x-api-key'], 'sk-test-secret');
    assert.equal(sent[0]?.headers['anthropic-version'], '2023-06-01');
    assert.deepEqual(JSON.parse(sent[0]?.body ?? '{}'), { requests: [{ custom_id: 'line-0', params }] });
    const polled = await client.poll(id);
    assert.equal(polled.state, 'ended');
    if (polled.state !== 'ended') return;
    assert.deepEqual(
      polled.results.map((result) => [result.customId, result.status]),
      [
        ['line-0', 200],
        ['line-1', 400],
        ['line-3', 200],
      ],
      'the expired line is left out: it was not answered',
    );
    assert.equal(JSON.parse(polled.results[1]?.body ?? '{}').error.type, 'invalid_request_error');
  });
});
