import type { BatchJob, BatchUsage, LineCounts, StoredFile, StoredLineResult } from './store/batch-records.js';

function seconds(milliseconds: number | undefined): number | null {
  return milliseconds === undefined ? null : Math.floor(milliseconds / 1000);
}

/** OpenAI's `FileObject`. */
export function renderOpenAiFile(file: StoredFile): Record<string, unknown> {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: seconds(file.createdAt),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
    status_details: null,
    expires_at: null,
  };
}

/** Rounds USD to a picodollar for display, removing float noise from sums. */
function usd(amount: number): number {
  return Math.round(amount * 1e12) / 1e12;
}

/**
 * OpenAI's `Batch` object. `request_counts.failed` counts errored and expired lines (cancelled ones
 * are in the error file but, as at OpenAI, counted as neither). `x_tollgate` adds what the lines cost
 * and would have cost at live prices; clients that do not know it ignore it.
 */
export function renderOpenAiBatch(job: BatchJob, counts: LineCounts, usage: BatchUsage): Record<string, unknown> {
  return {
    id: job.id,
    object: 'batch',
    endpoint: job.endpoint,
    errors: job.errors ? { object: 'list', data: job.errors } : null,
    input_file_id: job.inputFileId ?? null,
    completion_window: job.completionWindow,
    status: job.status,
    output_file_id: job.outputFileId ?? null,
    error_file_id: job.errorFileId ?? null,
    created_at: seconds(job.createdAt),
    in_progress_at: seconds(job.inProgressAt),
    expires_at: seconds(job.expiresAt),
    finalizing_at: seconds(job.finalizingAt),
    completed_at: seconds(job.completedAt),
    failed_at: seconds(job.failedAt),
    expired_at: seconds(job.expiredAt),
    cancelling_at: seconds(job.cancellingAt),
    cancelled_at: seconds(job.cancelledAt),
    request_counts: { total: counts.total, completed: counts.succeeded, failed: counts.errored + counts.expired },
    metadata: job.metadata ?? null,
    usage: {
      input_tokens: usage.inputTokens,
      input_tokens_details: { cached_tokens: usage.cachedTokens },
      output_tokens: usage.outputTokens,
      output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
      total_tokens: usage.inputTokens + usage.outputTokens,
    },
    x_tollgate: {
      cost_usd: usd(usage.costUsd),
      live_cost_usd: usd(usage.liveCostUsd),
      saving_usd: usd(usage.liveCostUsd - usage.costUsd),
      pending_requests: counts.pending,
    },
  };
}

/** The id OpenAI gives each line's result: stable, so a downloaded file is the same every time. */
function resultId(batchId: string, index: number): string {
  return `batch_req_${batchId.replace(/^batch_/, '')}_${index}`;
}

/**
 * One line of an output or error file, in OpenAI's shape: `{id, custom_id, response: {status_code,
 * request_id, body}, error}`. A line that got an HTTP answer carries it in `response` (errors too, as
 * OpenAI does); one that never ran (malformed, cancelled, expired) has `response: null` and `error`.
 */
export function renderOpenAiResultLine(batchId: string, line: StoredLineResult): string {
  const id = JSON.stringify(resultId(batchId, line.index));
  const customId = JSON.stringify(line.customId ?? null);
  if (line.statusCode !== undefined && (line.outcome === 'succeeded' || line.outcome === 'errored')) {
    const requestId = JSON.stringify(line.requestId ?? null);
    // The body is stored as the JSON text the gateway answered with; it is embedded, not re-encoded.
    return `{"id":${id},"custom_id":${customId},"response":{"status_code":${line.statusCode},"request_id":${requestId},"body":${line.responseBody ?? 'null'}},"error":null}\n`;
  }
  const error =
    line.outcome === 'canceled'
      ? { code: 'batch_cancelled', message: 'The batch was cancelled before this request ran.' }
      : line.outcome === 'expired'
        ? { code: 'batch_expired', message: 'The batch expired before this request could be run.' }
        : (line.error ?? { code: 'internal', message: 'The request ended without a result.' });
  return `{"id":${id},"custom_id":${customId},"response":null,"error":${JSON.stringify(error)}}\n`;
}
