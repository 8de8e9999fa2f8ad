import { GatewayError } from '../spec/index.js';
import { notFound } from './batch-http.js';
import { createBatchId } from './batch-ids.js';
import { type BatchLaneContext, COMPLETION_WINDOW_MS } from './batch-lane-context.js';
import { type BatchRequester, canSee, ownerOf } from './batch-requester.js';
import type { BatchApi, BatchJob, BatchLineInput, LineCounts } from './store/batch-records.js';

/** Stores a new batch with its lines (one transaction) and tells the runner; it starts at once. */
export async function createBatchJob(options: {
  lane: BatchLaneContext;
  requester: BatchRequester;
  api: BatchApi;
  endpoint: string;
  inputFileId: string | undefined;
  metadata: Record<string, string> | undefined;
  lines: BatchLineInput[];
}): Promise<{ job: BatchJob; counts: LineCounts }> {
  const { lane } = options;
  const now = lane.now();
  const job: BatchJob = {
    id: createBatchId(options.api),
    api: options.api,
    endpoint: options.endpoint,
    inputFileId: options.inputFileId,
    completionWindow: '24h',
    // Lines are checked while the request waits, so a batch is running by the time the client hears of it.
    status: 'in_progress',
    owner: ownerOf(options.requester),
    metadata: options.metadata,
    caller: options.requester.caller,
    createdAt: now,
    inProgressAt: now,
    finalizingAt: undefined,
    completedAt: undefined,
    failedAt: undefined,
    expiredAt: undefined,
    cancellingAt: undefined,
    cancelledAt: undefined,
    expiresAt: now + COMPLETION_WINDOW_MS,
    outputFileId: undefined,
    errorFileId: undefined,
    errors: undefined,
  };
  await lane.store.createJob(job, options.lines);
  lane.runner.refresh();
  const malformed = options.lines.filter((line) => line.inputError !== undefined).length;
  lane.logger.info(
    { batchId: job.id, api: job.api, lines: options.lines.length, malformed, endpoint: job.endpoint },
    'batch created',
  );
  return {
    job,
    counts: {
      total: options.lines.length,
      pending: options.lines.length - malformed,
      succeeded: 0,
      errored: malformed,
      canceled: 0,
      expired: 0,
    },
  };
}

/** A batch of this API that the requester may see, or a 404. */
export async function findBatchJob(options: {
  lane: BatchLaneContext;
  requester: BatchRequester;
  api: BatchApi;
  id: string;
}): Promise<BatchJob> {
  const job = await options.lane.store.getJob(options.id);
  if (!job || job.api !== options.api || !canSee(options.requester, job.owner)) throw notFound('batch', options.id);
  return job;
}

/**
 * Asks a batch to stop: no new lines start, lines in flight finish and keep their results, the rest
 * are reported as cancelled. Cancelling a batch that is already cancelling or cancelled is a no-op;
 * one that has otherwise ended is a 409.
 */
export async function cancelBatchJob(options: { lane: BatchLaneContext; job: BatchJob }): Promise<BatchJob> {
  const { lane, job } = options;
  const moved = await lane.store.transition({
    id: job.id,
    from: ['validating', 'in_progress'],
    to: 'cancelling',
    timestamp: 'cancelling_at',
    at: lane.now(),
  });
  const current = (await lane.store.getJob(job.id)) ?? job;
  if (!moved && current.status !== 'cancelling' && current.status !== 'cancelled') {
    throw new GatewayError({
      code: 'invalid_request',
      status: 409,
      message: `Batch ${job.id} is ${current.status} and can no longer be cancelled.`,
    });
  }
  if (moved) lane.logger.info({ batchId: job.id }, 'batch cancelling');
  lane.runner.refresh();
  return current;
}
