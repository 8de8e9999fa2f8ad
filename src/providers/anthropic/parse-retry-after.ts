/** The longest wait a provider may ask for that the gateway passes on (beyond it, fall back instead). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Reads a `retry-after` header (seconds, or an HTTP date) as milliseconds; undefined when absent or
 * unreadable. `now` is injectable for tests.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  let milliseconds: number;
  if (Number.isFinite(seconds)) milliseconds = seconds * 1000;
  else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    milliseconds = date - now;
  }
  return Math.min(Math.max(0, Math.round(milliseconds)), MAX_RETRY_AFTER_MS);
}
