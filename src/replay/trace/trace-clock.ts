/**
 * Where traces without absolute times start: a fixed instant, so that replays of the same trace are
 * identical from run to run (Mooncake's offsets, RouterBench and untimed JSONL are placed from here).
 */
export const TRACE_EPOCH_MS = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Default arrival rate for traces that record no times, in requests per second. */
export const DEFAULT_UNTIMED_RATE = 1;

/** The arrival time of the `index`-th request of an untimed trace. */
export function untimedArrival(index: number, ratePerSecond: number): number {
  return TRACE_EPOCH_MS + Math.round((index * 1000) / Math.max(ratePerSecond, 1e-6));
}

/**
 * A recorded time as epoch milliseconds: ISO text (`2023-11-16 18:15:46.68` taken as UTC when it has
 * no zone), or a number in seconds (below 10^11) or milliseconds.
 */
export function parseTraceTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return parseTraceTime(Number(text));
  let iso = text.replace(' ', 'T');
  // JavaScript dates take at most millisecond precision: 18:15:46.6805900 → 18:15:46.680.
  iso = iso.replace(/(\.\d{3})\d+/, '$1');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  const parsed = Date.parse(iso);
  return Number.isNaN(parsed) ? undefined : parsed;
}
