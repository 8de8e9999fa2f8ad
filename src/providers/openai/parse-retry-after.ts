/**
 * How long a provider asked us to wait, in milliseconds, read the way the official OpenAI client
 * reads it: `retry-after-ms` first (OpenAI's own, fractional milliseconds), then `retry-after` as
 * seconds or as an HTTP date (RFC 9110 §10.2.3). Undefined when absent or unreadable; never negative.
 * Bounding the wait is the retry policy's job, not the parser's.
 */
export function parseRetryAfter(
  headers: Record<string, string | undefined>,
  now: number = Date.now(),
): number | undefined {
  const milliseconds = headers['retry-after-ms'];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return Math.round(value);
  }
  const retryAfter = headers['retry-after']?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number.parseFloat(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
