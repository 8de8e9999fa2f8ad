import type { OutcomeRow } from '../learned/outcome-row.js';
import type { PromptLogEntry } from './prompt-log.js';

/** What the ledger knows about one answered request, as far as learning needs it. */
export interface LedgerOutcomeSource {
  /** `provider/model` that answered (the ledger's provider and model columns). */
  model: string;
  /** What the answering attempt cost, USD. */
  costUsd: number;
  /** Feedback on the request: a 0–1 score, and/or a label (`refined`, `escalated`). */
  feedback: { score: number | null; label: string | null }[];
}

/**
 * The outcome rows one request contributes to training: its answer scored by its feedback (a
 * `refined` or `escalated` label counts as 0, several signals are averaged), and every cheaper answer
 * a cascade rejected for it as a 0. A request without feedback contributes only its rejections.
 */
export function outcomesOfRequest(options: {
  entry: PromptLogEntry;
  source: LedgerOutcomeSource | undefined;
}): OutcomeRow[] {
  const { entry, source } = options;
  const rows: OutcomeRow[] = [];
  for (const rejected of entry.rejected ?? []) {
    rows.push({ prompt: entry.prompt, model: rejected.model, score: 0, costUsd: rejected.costUsd });
  }
  if (source && source.feedback.length > 0) {
    const scores = source.feedback.flatMap((feedback) =>
      feedback.label !== null ? [0] : feedback.score !== null ? [feedback.score] : [],
    );
    if (scores.length > 0) {
      const score = scores.reduce((sum, value) => sum + value, 0) / scores.length;
      rows.push({ prompt: entry.prompt, model: source.model, score, costUsd: source.costUsd });
    }
  }
  return rows;
}
