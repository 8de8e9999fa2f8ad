import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BudgetConfig } from '../config/config-schema.js';
import { applicableBudgets } from './applicable-budgets.js';
import { budgetWindow, parseDuration } from './budget-window.js';
import { formatKeyBudget, parseKeyBudget } from './parse-key-budget.js';

const NOW = Date.parse('2026-08-14T15:30:00Z');

describe('budget windows', () => {
  it('are UTC days and months, resetting at midnight and on the first', () => {
    const day = budgetWindow({ spec: 'day', nowMs: NOW });
    assert.equal(new Date(day.startMs).toISOString(), '2026-08-14T00:00:00.000Z');
    assert.equal(new Date(day.endMs).toISOString(), '2026-08-15T00:00:00.000Z');
    const month = budgetWindow({ spec: 'month', nowMs: Date.parse('2026-12-31T23:59:59Z') });
    assert.equal(new Date(month.endMs).toISOString(), '2027-01-01T00:00:00.000Z');
    assert.notEqual(day.id, budgetWindow({ spec: 'day', nowMs: day.endMs }).id);
  });

  it('align custom windows to the epoch so that every instance agrees', () => {
    const window = budgetWindow({ spec: { custom: '6h' }, nowMs: NOW });
    assert.equal(new Date(window.startMs).toISOString(), '2026-08-14T12:00:00.000Z');
    assert.equal(new Date(window.endMs).toISOString(), '2026-08-14T18:00:00.000Z');
    assert.equal(window.label, '6h');
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1.5h'), 5_400_000);
    assert.equal(parseDuration('soon'), undefined);
  });
});

describe('key budgets', () => {
  it('read 50/day, $200/month and 5/6h, and reject anything else', () => {
    assert.deepEqual(parseKeyBudget('50/day'), { limitUsd: 50, window: 'day' });
    assert.deepEqual(parseKeyBudget('$200 / month'), { limitUsd: 200, window: 'month' });
    assert.deepEqual(parseKeyBudget('5/6h'), { limitUsd: 5, window: { custom: '6h' } });
    assert.equal(parseKeyBudget('50'), undefined);
    assert.equal(parseKeyBudget('0/day'), undefined);
    assert.equal(parseKeyBudget('50/week'), undefined);
    assert.equal(formatKeyBudget({ limitUsd: 5, window: { custom: '6h' } }), '5/6h');
  });
});

describe('applicable budgets', () => {
  const subject = { tenant: 'acme', feature: 'search', keyId: 'vk_1' };
  const budget = (extra: Partial<BudgetConfig> & Pick<BudgetConfig, 'scope'>): BudgetConfig => ({
    match: '*',
    limit_usd: 10,
    window: 'day',
    fallback_at: 0.8,
    throttle_at: 0.95,
    ...extra,
  });

  it('match by scope, give each tenant of a * budget its own counter, and add the key budget', () => {
    const found = applicableBudgets({
      budgets: [
        budget({ scope: 'global', limit_usd: 100 }),
        budget({ scope: 'tenant' }),
        budget({ scope: 'feature', match: 'chat' }),
        budget({ scope: 'feature', match: 'search', name: 'search-cap', window: { custom: '6h' } }),
      ],
      subject,
      keyBudget: { limitUsd: 50, window: 'day' },
      nowMs: NOW,
    });
    assert.deepEqual(
      found.map((entry) => entry.name),
      ['global/day', 'tenant:acme/day', 'search-cap', 'key:vk_1/day'],
    );
    const other = applicableBudgets({
      budgets: [budget({ scope: 'tenant' })],
      subject: { ...subject, tenant: 'globex' },
      keyBudget: undefined,
      nowMs: NOW,
    });
    assert.notEqual(other[0]?.counter.key, found[1]?.counter.key);
  });

  it('share one counter between budgets that measure the same thing, keeping the tightest limit', () => {
    const found = applicableBudgets({
      budgets: [budget({ scope: 'key', limit_usd: 80 })],
      subject,
      keyBudget: { limitUsd: 50, window: 'day' },
      nowMs: NOW,
    });
    assert.equal(found.length, 1);
    assert.equal(found[0]?.limitUsd, 50);
  });
});
