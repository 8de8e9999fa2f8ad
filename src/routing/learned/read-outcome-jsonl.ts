import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../spec/gateway-error.js';
import type { OutcomeRow } from './outcome-row.js';

function invalidLine(line: number, reason: string): GatewayError {
  return new GatewayError({ code: 'invalid_request', message: `Outcome JSONL line ${line}: ${reason}` });
}

/**
 * Parses the generic outcome format, one JSON object per line:
 * `{"prompt": "...", "model": "...", "score": 0.0–1.0, "costUsd": 0.0012}` (the ledger joined with
 * `/v1/feedback` produces it). Blank lines are ignored; any other bad line is an error naming the line.
 */
export function parseOutcomeJsonl(text: string): OutcomeRow[] {
  const rows: OutcomeRow[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = (lines[index] as string).trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw invalidLine(index + 1, 'not valid JSON');
    }
    if (typeof value !== 'object' || value === null) throw invalidLine(index + 1, 'not an object');
    const { prompt, model, score, costUsd } = value as Record<string, unknown>;
    if (typeof prompt !== 'string' || prompt === '')
      throw invalidLine(index + 1, '"prompt" must be a non-empty string');
    if (typeof model !== 'string' || model === '') throw invalidLine(index + 1, '"model" must be a non-empty string');
    if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
      throw invalidLine(index + 1, '"score" must be a number from 0 to 1');
    }
    if (typeof costUsd !== 'number' || !(costUsd >= 0)) throw invalidLine(index + 1, '"costUsd" must be a number ≥ 0');
    rows.push({ prompt, model, score, costUsd });
  }
  return rows;
}

/** Reads and parses an outcome JSONL file (see {@link parseOutcomeJsonl}). */
export async function readOutcomeJsonl(path: string): Promise<OutcomeRow[]> {
  return parseOutcomeJsonl(await readFile(path, 'utf8'));
}
