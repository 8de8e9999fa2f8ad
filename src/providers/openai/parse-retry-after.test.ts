import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRetryAfter } from './parse-retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('prefers retry-after-ms', () => {
    assert.equal(parseRetryAfter({ 'retry-after-ms': '1486.5', 'retry-after': '2' }, now), 1487);
  });

  it('reads seconds, including fractions', () => {
    assert.equal(parseRetryAfter({ 'retry-after': '20' }, now), 20_000);
    assert.equal(parseRetryAfter({ 'retry-after': '0.5' }, now), 500);
  });

  it('reads an HTTP date, and a date in the past as no wait', () => {
    assert.equal(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now), 30_000);
    assert.equal(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now), 0);
  });

  it('ignores absent or unreadable values', () => {
    assert.equal(parseRetryAfter({}, now), undefined);
    assert.equal(parseRetryAfter({ 'retry-after': 'soon' }, now), undefined);
    assert.equal(parseRetryAfter({ 'retry-after-ms': '-5', 'retry-after': '3' }, now), 3000);
  });
});
