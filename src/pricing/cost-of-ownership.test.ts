import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeCost } from './compute-cost.js';
import { costOfOwnershipPrice, PREFILL_SPEEDUP } from './cost-of-ownership.js';

function assertClose(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= Math.abs(expected) * 1e-9, `${actual} should be ${expected}`);
}

describe('costOfOwnershipPrice', () => {
  it('spreads amortised hardware and power over the tokens the machine actually produces', () => {
    // 2,629.80 USD over one mean month (2,629,800 s) is 0.001 USD/s; 1 kW at 3.60 USD/kWh is 0.001 USD/s.
    // 100 tokens/s at 50% utilisation is 50 useful tokens/s: 0.002 / 50 = 4e-5 USD per output token.
    const price = costOfOwnershipPrice({
      hardware_usd: 2_629.8,
      amortisation_months: 1,
      watts: 1_000,
      usd_per_kwh: 3.6,
      utilisation: 0.5,
      tokens_per_second: 100,
    });
    assertClose(price.output, 4e-5);
    assertClose(price.input, 4e-5 / PREFILL_SPEEDUP);
    assert.equal(price.cacheRead, 0);
    assert.equal(price.cacheWrite, price.input);
    assert.equal(price.cacheWrite1h, price.input);
    assert.equal(price.source, 'cost-of-ownership');
  });

  it('prices a Mac Studio running a 70B model (seed 004) per token, for the ledger', () => {
    // 7,000 USD over 36 months: 7.3938e-5 USD/s; 300 W at 0.15 USD/kWh: 1.25e-5 USD/s;
    // 15 tokens/s at 50% utilisation: 1.15251e-5 USD per output token (11.53 USD per million).
    const price = costOfOwnershipPrice({
      hardware_usd: 7_000,
      amortisation_months: 36,
      watts: 300,
      usd_per_kwh: 0.15,
      utilisation: 0.5,
      tokens_per_second: 15,
    });
    const hardwarePerSecond = 7_000 / (36 * 2_629_800);
    const powerPerSecond = (0.3 * 0.15) / 3_600;
    assertClose(price.output, (hardwarePerSecond + powerPerSecond) / 7.5);
    assert.equal((price.output * 1e6).toFixed(2), '11.53');
    // A request with 2,000 prompt and 500 answer tokens: 2,000 × 1.15251e-6 + 500 × 1.15251e-5.
    const cost = computeCost({
      price,
      usage: {
        uncachedInputTokens: 2_000,
        cacheReadInputTokens: 0,
        cacheWriteInputTokens: 0,
        cacheWrite1hInputTokens: 0,
        outputTokens: 500,
        reasoningTokens: 0,
        source: 'reported',
      },
    });
    assertClose(cost, Math.round((2_000 * price.input + 500 * price.output) * 1e12) / 1e12);
    assert.equal(cost.toFixed(5), '0.00807');
  });

  it('halving utilisation doubles the price, and a measured prefill speed-up replaces the default', () => {
    const base = {
      hardware_usd: 3_000,
      amortisation_months: 24,
      watts: 200,
      usd_per_kwh: 0.3,
      utilisation: 0.8,
      tokens_per_second: 40,
    };
    const busy = costOfOwnershipPrice(base);
    const idle = costOfOwnershipPrice({ ...base, utilisation: 0.4 });
    assertClose(idle.output, busy.output * 2);
    assertClose(costOfOwnershipPrice(base, { prefillSpeedup: 25 }).input, busy.output / 25);
  });

  it('rejects settings that would divide by zero', () => {
    const base = {
      hardware_usd: 1,
      amortisation_months: 1,
      watts: 1,
      usd_per_kwh: 1,
      utilisation: 1,
      tokens_per_second: 1,
    };
    assert.throws(() => costOfOwnershipPrice({ ...base, utilisation: 0 }), RangeError);
    assert.throws(() => costOfOwnershipPrice({ ...base, tokens_per_second: 0 }), RangeError);
    assert.throws(() => costOfOwnershipPrice({ ...base, amortisation_months: 0 }), RangeError);
  });
});
