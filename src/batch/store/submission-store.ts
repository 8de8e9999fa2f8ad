import type { BatchDatabase } from './batch-database.js';
import type { PendingLine } from './batch-records.js';

/** One provider batch holding some of a batch's lines. */
export interface Submission {
  /** Ours (`sub_…`). */
  id: string;
  batchId: string;
  /** The provider's configured name. */
  provider: string;
  /** `provider/model`: every line of a submission goes to the same deployment. */
  deployment: string;
  /** The provider's batch id; undefined while it is being sent. */
  providerBatchId: string | undefined;
  /** `submitting` (recorded, maybe not sent), `open` (at the provider), `done`, `lost`. */
  state: 'submitting' | 'open' | 'done' | 'lost';
  submittedAt: number;
  /** A cancel was sent to the provider (the batch was cancelled or expired). */
  cancelSent: boolean;
}

/** A line in a provider batch. */
export interface SubmittedLine extends PendingLine {
  /** The route decision it was sent on, as JSON (see the provider lane). */
  route: string | undefined;
}

function toSubmission(row: Record<string, unknown>): Submission {
  return {
    id: String(row.id),
    batchId: String(row.batch_id),
    provider: String(row.provider),
    deployment: String(row.deployment),
    providerBatchId:
      row.provider_batch_id === null || row.provider_batch_id === undefined ? undefined : String(row.provider_batch_id),
    state: String(row.state) as Submission['state'],
    submittedAt: Number(row.submitted_at),
    cancelSent: Number(row.cancel_sent) === 1,
  };
}

function toPending(batchId: string, row: Record<string, unknown>): PendingLine {
  return {
    batchId,
    index: Number(row.line_index),
    customId: String(row.custom_id),
    body: String(row.body),
    attempt: Number(row.attempt),
    failures: Number(row.failures),
  };
}

/**
 * How a batch's lines are split between the gateway lane and provider batch APIs. A line is planned
 * once (`lane`); a line in a provider batch points at its submission until its result is stored or
 * the submission ends without it, when it goes back to the gateway lane as a new try.
 */
export class SubmissionStore {
  constructor(private readonly database: BatchDatabase) {}

  /** `line_index IN (…)` with the indexes as one JSON parameter. */
  private inIndexes(): string {
    return this.database.dialect === 'postgres'
      ? 'line_index IN (SELECT (json_array_elements_text(?::json))::bigint)'
      : 'line_index IN (SELECT value FROM json_each(?))';
  }

  /** Pending lines not yet planned, in input order. */
  async unplannedLines(options: { batchId: string; limit: number }): Promise<PendingLine[]> {
    const rows = await this.database.all({
      sql: `SELECT line_index, custom_id, body, attempt, failures FROM batch_lines
WHERE batch_id = ? AND state = 'pending' AND lane IS NULL ORDER BY line_index LIMIT ?`,
      params: [options.batchId, options.limit],
    });
    return rows.map((row) => toPending(options.batchId, row));
  }

  /** Plans every unplanned line of a batch for one lane (the gateway, when provider batches are off). */
  async assignUnplanned(options: { batchId: string; lane: 'gateway' }): Promise<void> {
    await this.database.run({
      sql: `UPDATE batch_lines SET lane = ? WHERE batch_id = ? AND state = 'pending' AND lane IS NULL`,
      params: [options.lane, options.batchId],
    });
  }

  /** Plans some lines for the gateway lane. */
  async assignGateway(options: { batchId: string; indexes: readonly number[] }): Promise<void> {
    if (options.indexes.length === 0) return;
    await this.database.run({
      sql: `UPDATE batch_lines SET lane = 'gateway' WHERE batch_id = ? AND state = 'pending' AND ${this.inIndexes()}`,
      params: [options.batchId, JSON.stringify(options.indexes)],
    });
  }

  /** Records a provider batch before it is sent, with its lines and their routes, in one transaction. */
  async create(submission: Submission, lines: readonly { index: number; route: string }[]): Promise<void> {
    const rows = JSON.stringify(lines.map((line) => ({ line_index: line.index, route: line.route })));
    const assign =
      this.database.dialect === 'postgres'
        ? `UPDATE batch_lines AS line SET lane = 'provider', submission_id = ?, route = planned.route
FROM json_to_recordset(?::json) AS planned(line_index bigint, route text)
WHERE line.batch_id = ? AND line.state = 'pending' AND line.line_index = planned.line_index`
        : `UPDATE batch_lines SET lane = 'provider', submission_id = ?,
  route = (SELECT json_extract(value, '$.route') FROM json_each(?) WHERE json_extract(value, '$.line_index') = batch_lines.line_index)
WHERE batch_id = ? AND state = 'pending' AND line_index IN (SELECT json_extract(value, '$.line_index') FROM json_each(?))`;
    const params =
      this.database.dialect === 'postgres'
        ? [submission.id, rows, submission.batchId]
        : [submission.id, rows, submission.batchId, rows];
    await this.database.transaction([
      {
        sql: `INSERT INTO batch_submissions (id, batch_id, provider, deployment, provider_batch_id, state, submitted_at, cancel_sent)
VALUES (?, ?, ?, ?, NULL, 'submitting', ?, 0)`,
        params: [submission.id, submission.batchId, submission.provider, submission.deployment, submission.submittedAt],
      },
      { sql: assign, params },
    ]);
  }

  /** The provider accepted the batch. */
  async markOpen(options: { id: string; providerBatchId: string }): Promise<void> {
    await this.database.run({
      sql: `UPDATE batch_submissions SET state = 'open', provider_batch_id = ? WHERE id = ? AND state = 'submitting'`,
      params: [options.providerBatchId, options.id],
    });
  }

  async markCancelSent(id: string): Promise<void> {
    await this.database.run({ sql: 'UPDATE batch_submissions SET cancel_sent = 1 WHERE id = ?', params: [id] });
  }

  /** Submissions of a batch still being sent or at the provider. */
  async open(batchId: string): Promise<Submission[]> {
    const rows = await this.database.all({
      sql: `SELECT * FROM batch_submissions WHERE batch_id = ? AND state IN ('submitting', 'open') ORDER BY submitted_at, id`,
      params: [batchId],
    });
    return rows.map(toSubmission);
  }

  /** A submission's lines that have no result yet, with the route each was sent on. */
  async pendingLines(submission: Pick<Submission, 'id' | 'batchId'>): Promise<SubmittedLine[]> {
    const rows = await this.database.all({
      sql: `SELECT line_index, custom_id, body, attempt, failures, route FROM batch_lines
WHERE submission_id = ? AND state = 'pending' ORDER BY line_index`,
      params: [submission.id],
    });
    return rows.map((row) => ({
      ...toPending(submission.batchId, row),
      route: typeof row.route === 'string' ? row.route : undefined,
    }));
  }

  /**
   * Ends a submission. Its lines still without a result (the provider returned none for them, or the
   * batch was lost) become a new try: through the gateway (`gateway`), or planned again (`replan`).
   */
  async close(options: { id: string; state: 'done' | 'lost'; leftover: 'gateway' | 'replan' }): Promise<void> {
    await this.database.transaction([
      { sql: 'UPDATE batch_submissions SET state = ? WHERE id = ?', params: [options.state, options.id] },
      {
        sql: `UPDATE batch_lines SET lane = ?, submission_id = NULL, attempt = attempt + 1
WHERE submission_id = ? AND state = 'pending'`,
        params: [options.leftover === 'gateway' ? 'gateway' : null, options.id],
      },
    ]);
  }
}
