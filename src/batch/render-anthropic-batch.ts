import type { BatchJob, LineCounts, StoredLineResult } from './store/batch-records.js';

function isoTime(milliseconds: number | undefined): string | null {
  return milliseconds === undefined ? null : new Date(milliseconds).toISOString();
}

function processingStatus(job: BatchJob): 'in_progress' | 'canceling' | 'ended' {
  switch (job.status) {
    case 'validating':
    case 'in_progress':
    case 'finalizing':
      return 'in_progress';
    case 'cancelling':
      return 'canceling';
    case 'completed':
    case 'cancelled':
    case 'expired':
    case 'failed':
      return 'ended';
    default: {
      const unknownStatus: never = job.status;
      throw new Error(`Unknown batch status ${String(unknownStatus)}`);
    }
  }
}

/** Anthropic's `MessageBatch` object; `results_url` points back at this gateway once the batch has ended. */
export function renderAnthropicBatch(options: {
  job: BatchJob;
  counts: LineCounts;
  /** e.g. `http://127.0.0.1:4000`, from the request's Host. */
  baseUrl: string;
}): Record<string, unknown> {
  const { job, counts } = options;
  const status = processingStatus(job);
  const endedAt = job.completedAt ?? job.cancelledAt ?? job.expiredAt ?? job.failedAt;
  return {
    id: job.id,
    type: 'message_batch',
    processing_status: status,
    request_counts: {
      processing: counts.pending,
      succeeded: counts.succeeded,
      errored: counts.errored,
      canceled: counts.canceled,
      expired: counts.expired,
    },
    ended_at: isoTime(endedAt),
    created_at: isoTime(job.createdAt),
    expires_at: isoTime(job.expiresAt),
    archived_at: null,
    cancel_initiated_at: isoTime(job.cancellingAt),
    results_url: status === 'ended' ? `${options.baseUrl}/v1/messages/batches/${job.id}/results` : null,
  };
}

/**
 * One line of a Message Batches results file: `{custom_id, result}` with `result.type` one of
 * `succeeded` (the message), `errored` (an Anthropic error body), `canceled`, `expired`.
 */
export function renderAnthropicResultLine(line: StoredLineResult): string {
  const customId = JSON.stringify(line.customId ?? null);
  switch (line.outcome) {
    case 'succeeded':
      return `{"custom_id":${customId},"result":{"type":"succeeded","message":${line.responseBody ?? 'null'}}}\n`;
    case 'errored': {
      // A line the gateway answered carries the gateway's Anthropic error body; one that never ran gets one built here.
      const error =
        line.statusCode !== undefined && line.responseBody !== undefined
          ? line.responseBody
          : JSON.stringify({
              type: 'error',
              error: { type: 'invalid_request_error', message: line.error?.message ?? 'The request failed.' },
            });
      return `{"custom_id":${customId},"result":{"type":"errored","error":${error}}}\n`;
    }
    case 'canceled':
      return `{"custom_id":${customId},"result":{"type":"canceled"}}\n`;
    case 'expired':
      return `{"custom_id":${customId},"result":{"type":"expired"}}\n`;
    default: {
      const unknownOutcome: never = line.outcome;
      throw new Error(`Unknown line outcome ${String(unknownOutcome)}`);
    }
  }
}
