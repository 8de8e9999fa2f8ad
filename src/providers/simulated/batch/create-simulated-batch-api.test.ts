import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBodyText } from '../../../http/http-transport.js';
import { createSimulatedBatchTransport } from './create-simulated-batch-transport.js';

const timeouts = { connectMs: 1_000, firstByteMs: 1_000, idleMs: 1_000 };

describe('the simulated provider batch API', () => {
  it('finishes an OpenAI batch after its completion delay with the answers live calls would give', async () => {
    let clock = 1_000_000;
    const transport = createSimulatedBatchTransport({ completionDelayMs: 60_000, now: () => clock });
    const call = async (method: 'GET' | 'POST', path: string, body?: string, contentType = 'application/json') => {
      const response = await transport({
        url: `http://simulated.tollgate.invalid/v1${path}`,
        method,
        headers: { 'content-type': contentType },
        ...(body === undefined ? {} : { body }),
        timeouts,
      });
      return { status: response.status, text: await readBodyText(response.body) };
    };
    const form = new FormData();
    form.append('purpose', 'batch');
    const line = {
      model: 'sim-small',
      messages: [{ role: 'user', content: 'What is the tallest mountain?' }],
      max_tokens: 12,
    };
    form.append(
      'file',
      new Blob([`${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: line })}\n`]),
      'in.jsonl',
    );
    const request = new Request('http://x', { method: 'POST', body: form });
    const upload = await call('POST', '/files', await request.text(), request.headers.get('content-type') ?? '');
    assert.equal(upload.status, 200);
    const fileId = JSON.parse(upload.text).id as string;
    const created = JSON.parse(
      (await call('POST', '/batches', JSON.stringify({ input_file_id: fileId, endpoint: '/v1/chat/completions' })))
        .text,
    );
    assert.equal(created.status, 'in_progress');
    clock += 59_999;
    assert.equal(JSON.parse((await call('GET', `/batches/${created.id}`)).text).status, 'in_progress');
    clock += 1;
    const done = JSON.parse((await call('GET', `/batches/${created.id}`)).text);
    assert.equal(done.status, 'completed');
    assert.deepEqual(done.request_counts, { total: 1, completed: 1, failed: 0 });
    const output = JSON.parse((await call('GET', `/files/${done.output_file_id}/content`)).text);
    const live = JSON.parse((await call('POST', '/chat/completions', JSON.stringify(line))).text);
    assert.equal(output.custom_id, 'a');
    assert.equal(output.response.status_code, 200);
    assert.equal(output.response.body.choices[0].message.content, live.choices[0].message.content);
    assert.deepEqual(output.response.body.usage, live.usage);
    assert.equal((await call('GET', '/batches/batch_unknown')).status, 404);
  });

  it('runs Anthropic message batches, and cancels them', async () => {
    let clock = 0;
    const transport = createSimulatedBatchTransport({ completionDelayMs: 10, now: () => clock });
    const call = async (method: 'GET' | 'POST', path: string, body?: string) => {
      const response = await transport({
        url: `http://simulated.tollgate.invalid/v1${path}`,
        method,
        headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
        ...(body === undefined ? {} : { body }),
        timeouts,
      });
      return { status: response.status, text: await readBodyText(response.body) };
    };
    const params = { model: 'sim-small', max_tokens: 16, messages: [{ role: 'user', content: 'Hello there' }] };
    const requests = JSON.stringify({
      requests: [
        { custom_id: 'x', params },
        { custom_id: 'y', params },
      ],
    });
    const first = JSON.parse((await call('POST', '/messages/batches', requests)).text);
    const second = JSON.parse((await call('POST', '/messages/batches', requests)).text);
    assert.equal(first.processing_status, 'in_progress');
    assert.equal((await call('GET', `/messages/batches/${first.id}/results`)).status, 400);
    const cancelled = JSON.parse((await call('POST', `/messages/batches/${second.id}/cancel`)).text);
    assert.equal(cancelled.processing_status, 'ended');
    assert.equal(cancelled.request_counts.canceled, 2);
    clock = 10;
    const ended = JSON.parse((await call('GET', `/messages/batches/${first.id}`)).text);
    assert.equal(ended.processing_status, 'ended');
    assert.equal(ended.request_counts.succeeded, 2);
    const results = (await call('GET', `/messages/batches/${first.id}/results`)).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      results.map((result) => [result.custom_id, result.result.type, result.result.message.role]),
      [
        ['x', 'succeeded', 'assistant'],
        ['y', 'succeeded', 'assistant'],
      ],
    );
  });
});
