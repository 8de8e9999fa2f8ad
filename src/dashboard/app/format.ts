/**
 * Number formats shared by every view (and by the browser test, which checks the numbers shown).
 * Costs of single requests are fractions of a cent, so small amounts keep more digits.
 */

/** USD with 2 digits from $1, 4 from $0.01, else 6: `$12.34`, `$0.0412`, `$0.000183`. */
export function formatUsd(value: number): string {
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1 ? 2 : magnitude >= 0.01 ? 4 : 6;
  const text = magnitude.toFixed(digits);
  return `${value < 0 && Number(text) !== 0 ? '-' : ''}$${text}`;
}

/** A whole count with thousands separators: `1,234,567`. */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A share as a percentage: `42.5%` (one decimal below 10%, else whole numbers from 99.5% rounding up). */
export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return '–';
  const percent = share * 100;
  return `${Math.abs(percent) < 10 ? percent.toFixed(1) : percent.toFixed(0)}%`;
}

/** Token counts compactly: `950`, `12.3k`, `4.1M`. */
export function formatTokens(value: number): string {
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${Math.round(value / 1000)}k`;
  if (value >= 1_000) return `${(value / 1000).toFixed(1)}k`;
  return String(value);
}

/** Milliseconds as `840 ms` or `2.4 s`. */
export function formatDuration(milliseconds: number | null): string {
  if (milliseconds === null) return '–';
  return milliseconds >= 1000 ? `${(milliseconds / 1000).toFixed(1)} s` : `${Math.round(milliseconds)} ms`;
}

/** A time of day in the browser's zone (`14:03:27`), with the date when it is not today. */
export function formatTime(epochMs: number, now = Date.now()): string {
  const date = new Date(epochMs);
  const time = date.toLocaleTimeString('en-GB', { hour12: false });
  return new Date(now).toDateString() === date.toDateString()
    ? time
    : `${date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })} ${time}`;
}
