import { ATTEMPT_COLUMNS, FEEDBACK_COLUMNS, fromRow, REQUEST_COLUMNS } from '../ledger/ledger-columns.js';
import type { AttemptRecord, FeedbackRecord, RequestRecord } from '../ledger/ledger-record.js';
import type { LedgerReader } from '../ledger/ledger-store.js';

/** One request with everything the ledger knows about it. */
export interface RequestDetail {
  /** The request row. */
  request: RequestRecord;
  /** Its upstream attempts, in the order they were made. */
  attempts: AttemptRecord[];
  /** Feedback about it, oldest first. */
  feedback: FeedbackRecord[];
}

/** A request with its attempts and feedback, or null when the ledger has no such request. */
export async function requestDetail(reader: LedgerReader, requestId: string): Promise<RequestDetail | null> {
  const columns = (specs: readonly { column: string }[]) => specs.map((spec) => spec.column).join(', ');
  const [requestRow] = await reader.all(
    `SELECT ${columns(REQUEST_COLUMNS)} FROM ledger_requests WHERE request_id = ?`,
    [requestId],
  );
  if (!requestRow) return null;
  const attemptRows = await reader.all(
    `SELECT ${columns(ATTEMPT_COLUMNS)} FROM ledger_attempts WHERE request_id = ? ORDER BY attempt_index`,
    [requestId],
  );
  const feedbackRows = await reader.all(
    `SELECT ${columns(FEEDBACK_COLUMNS)} FROM ledger_feedback WHERE request_id = ? ORDER BY at, feedback_id`,
    [requestId],
  );
  return {
    request: fromRow(requestRow, REQUEST_COLUMNS),
    attempts: attemptRows.map((row) => fromRow(row, ATTEMPT_COLUMNS)),
    feedback: feedbackRows.map((row) => fromRow(row, FEEDBACK_COLUMNS)),
  };
}
