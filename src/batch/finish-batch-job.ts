import { createFileId } from './batch-ids.js';
import { measureResultFile } from './render-result-file.js';
import type { BatchJob, BatchStatus, StoredFile } from './store/batch-records.js';
import type { BatchStore, BatchTimestamp } from './store/batch-store.js';

const ENDINGS: Record<
  'completed' | 'cancelled' | 'expired',
  { from: readonly BatchStatus[]; timestamp: BatchTimestamp; pending: 'canceled' | 'expired' | undefined }
> = {
  completed: { from: ['finalizing'], timestamp: 'completed_at', pending: undefined },
  cancelled: { from: ['cancelling'], timestamp: 'cancelled_at', pending: 'canceled' },
  expired: { from: ['validating', 'in_progress', 'finalizing'], timestamp: 'expired_at', pending: 'expired' },
};

/**
 * Ends a batch: lines that never ran become cancelled or expired, the output and error files are
 * measured (their bytes must match what a download sends) and registered, and the job takes its
 * final status, in one transaction. Safe to repeat after a crash at any point; false when the job
 * had already ended (or was ended meanwhile by another instance).
 */
export async function finishBatchJob(options: {
  store: BatchStore;
  job: BatchJob;
  outcome: 'completed' | 'cancelled' | 'expired';
  at: number;
}): Promise<boolean> {
  const { store, job, at } = options;
  const ending = ENDINGS[options.outcome];
  if (options.outcome === 'completed') {
    await store.transition({
      id: job.id,
      from: ['in_progress', 'validating'],
      to: 'finalizing',
      timestamp: 'finalizing_at',
      at,
    });
  }
  if (ending.pending) {
    await store.closePendingLines({ batchId: job.id, outcome: ending.pending, whileStatus: ending.from, at });
  }
  const files: StoredFile[] = [];
  // Anthropic batches have one results stream, served from the lines; OpenAI batches get two files.
  if (job.api === 'openai') {
    for (const kind of ['output', 'error'] as const) {
      const measured = await measureResultFile({ store, job, kind });
      if (measured.lines === 0) continue;
      files.push({
        id: createFileId(),
        createdAt: at,
        filename: `${job.id}_${kind}.jsonl`,
        purpose: 'batch_output',
        bytes: measured.bytes,
        owner: job.owner,
        lineCount: measured.lines,
        sourceBatchId: job.id,
        sourceKind: kind,
      });
    }
  }
  return store.finishJob({
    id: job.id,
    from: ending.from,
    status: options.outcome,
    timestamp: ending.timestamp,
    at,
    pendingOutcome: ending.pending,
    files,
  });
}
