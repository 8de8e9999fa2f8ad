import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** `file-` and 24 hex digits, like OpenAI's file ids. */
export function createFileId(): string {
  return `file-${randomBytes(12).toString('hex')}`;
}

/** `batch_` (OpenAI) or `msgbatch_` (Anthropic) and 24 hex digits; valid inside a request id. */
export function createBatchId(api: 'openai' | 'anthropic'): string {
  return `${api === 'anthropic' ? 'msgbatch_' : 'batch_'}${randomBytes(12).toString('hex')}`;
}

/** Names this process as a lease owner: unique per start, readable in the table. */
export function createInstanceId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}
