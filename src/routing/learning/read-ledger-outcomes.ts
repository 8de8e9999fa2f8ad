import type { LedgerReader } from '../../ledger/ledger-store.js';
import type { OutcomeRow } from '../learned/outcome-row.js';
import { type LedgerOutcomeSource, outcomesOfRequest } from './outcomes-of-request.js';
import type { PromptLogEntry } from './prompt-log.js';

/** Result of {@link readLedgerOutcomes}. */
export interface LedgerOutcomes {
  rows: OutcomeRow[];
  /** Requests with feedback whose prompt the log does not have (answered before it was on). */
  withoutPrompt: number;
  /** Requests with feedback that the join used. */
  scored: number;
}

// Successful provider answers only: a cache hit or an error says nothing about a model.
const SCORED_REQUESTS = `SELECT request_id FROM ledger_requests
  WHERE outcome = 'success' AND provider IS NOT NULL AND model IS NOT NULL AND cache_status NOT LIKE 'hit%'
    AND request_id IN (SELECT request_id FROM ledger_feedback)`;

/**
 * The gateway's own outcome data: the ledger's answered requests joined with their `/v1/feedback`
 * (and judge) scores by request id, and with the prompt log for the prompt text (the ledger keeps
 * none). The answering model is the ledger's `provider/model`; its cost is the last successful
 * attempt's (a request's earlier, rejected cascade attempts are not the answer's cost). Cascade
 * rejections from the prompt log are added as outcomes with score 0.
 */
export async function readLedgerOutcomes(options: {
  reader: LedgerReader;
  prompts: ReadonlyMap<string, PromptLogEntry>;
}): Promise<LedgerOutcomes> {
  const { reader, prompts } = options;
  const requests = await reader.all(
    `SELECT request_id, provider, model, cost_usd FROM ledger_requests WHERE request_id IN (${SCORED_REQUESTS})`,
    [],
  );
  const attempts = await reader.all(
    `SELECT request_id, attempt_index, cost_usd FROM ledger_attempts
      WHERE outcome = 'success' AND request_id IN (${SCORED_REQUESTS}) ORDER BY request_id, attempt_index`,
    [],
  );
  const feedback = await reader.all(
    `SELECT request_id, score, label FROM ledger_feedback WHERE request_id IN (${SCORED_REQUESTS})`,
    [],
  );
  const sources = new Map<string, LedgerOutcomeSource>();
  for (const row of requests) {
    sources.set(String(row.request_id), {
      model: `${row.provider}/${row.model}`,
      costUsd: Number(row.cost_usd),
      feedback: [],
    });
  }
  for (const row of attempts) {
    const source = sources.get(String(row.request_id));
    // Ordered by attempt: the last successful attempt is the answer.
    if (source) source.costUsd = Number(row.cost_usd);
  }
  for (const row of feedback) {
    sources.get(String(row.request_id))?.feedback.push({
      score: row.score === null || row.score === undefined ? null : Number(row.score),
      label: row.label === null || row.label === undefined ? null : String(row.label),
    });
  }
  const rows: OutcomeRow[] = [];
  let withoutPrompt = 0;
  let scored = 0;
  for (const [requestId, source] of sources) {
    const entry = prompts.get(requestId);
    if (!entry) {
      withoutPrompt += 1;
      continue;
    }
    scored += 1;
    rows.push(...outcomesOfRequest({ entry, source }));
  }
  // Rejections need no feedback: a cascade check is itself an outcome.
  for (const [requestId, entry] of prompts) {
    if (!sources.has(requestId) && entry.rejected?.length)
      rows.push(...outcomesOfRequest({ entry, source: undefined }));
  }
  return { rows, withoutPrompt, scored };
}
