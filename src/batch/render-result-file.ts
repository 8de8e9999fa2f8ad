import { renderAnthropicResultLine } from './render-anthropic-batch.js';
import { renderOpenAiResultLine } from './render-openai-batch.js';
import type { BatchJob } from './store/batch-records.js';
import type { BatchStore } from './store/batch-store.js';

/** Lines read from the store per query while a file is rendered. */
const PAGE_SIZE = 500;

/**
 * A batch's results as JSONL lines in input order, read a page at a time so that a 50,000-line
 * file is never held whole. OpenAI batches have an output file (`output`) and an error file
 * (`error`); Anthropic batches have one results stream (`all`).
 */
export async function* renderResultFile(options: {
  store: BatchStore;
  job: BatchJob;
  kind: 'output' | 'error' | 'all';
}): AsyncGenerator<string> {
  const { store, job } = options;
  let afterIndex = -1;
  for (;;) {
    const page = await store.readResults({ batchId: job.id, kind: options.kind, afterIndex, limit: PAGE_SIZE });
    for (const line of page) {
      yield job.api === 'anthropic' ? renderAnthropicResultLine(line) : renderOpenAiResultLine(job.id, line);
    }
    const last = page.at(-1);
    if (!last || page.length < PAGE_SIZE) return;
    afterIndex = last.index;
  }
}

/** How many lines and bytes a result file has (its `bytes` must match what a download sends). */
export async function measureResultFile(options: {
  store: BatchStore;
  job: BatchJob;
  kind: 'output' | 'error' | 'all';
}): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  for await (const line of renderResultFile(options)) {
    lines += 1;
    bytes += Buffer.byteLength(line);
  }
  return { lines, bytes };
}
